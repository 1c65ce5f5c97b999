package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.storage.Database;
import dev.starling.server.storage.StreamChanges;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who shares a room with whom, for the packages that follow other users across rooms (device lists: the
 * Client-Server API § Tracking the device list for a user). Reads the current state and the member events by
 * stream position; read-only. Thread-safe.
 */
public final class RoomMembers {
    /** A member event at a stream position: {@code target}'s membership in {@code roomId} became {@code membership}. */
    public record MembershipChange(RoomId roomId, UserId target, String membership, long position) {
        public MembershipChange {
            Objects.requireNonNull(roomId, "roomId");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(membership, "membership");
        }
    }

    /** Users whose rooms are kept, at most; all are dropped when full. */
    static final int MAX_KEPT = 100_000;

    private final Database db;

    /** The rooms a user has a membership in, as read when the stream was at {@code at}. */
    private record Rooms(List<RoomId> rooms, long at) {}

    private final java.util.concurrent.ConcurrentHashMap<String, Rooms> rooms =
            new java.util.concurrent.ConcurrentHashMap<>();

    public RoomMembers(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** The users joined to at least one room {@code user} is joined to, {@code user} included if joined anywhere. */
    public Set<UserId> usersSharingRoomWith(UserId user) {
        return db.read(c -> usersSharingRoomWith(c, user));
    }

    /** As {@link #usersSharingRoomWith(UserId)}, in a caller's transaction. */
    public static Set<UserId> usersSharingRoomWith(Connection c, UserId user) throws SQLException {
        Set<UserId> users = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT DISTINCT other.state_key FROM current_state mine
                JOIN current_state other ON other.room_id = mine.room_id
                WHERE mine.type = 'm.room.member' AND mine.state_key = ? AND mine.membership = 'join'
                  AND other.type = 'm.room.member' AND other.membership = 'join'""")) {
            s.setString(1, user.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    users.add(UserId.parse(r.getString(1)));
                }
            }
        }
        return users;
    }

    /** The users joined to the room now. */
    public Set<UserId> joinedMembers(RoomId roomId) {
        return db.read(c -> {
            Set<UserId> users = new HashSet<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT state_key FROM current_state
                    WHERE room_id = ? AND type = 'm.room.member' AND membership = 'join'""")) {
                s.setString(1, roomId.value());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        users.add(UserId.parse(r.getString(1)));
                    }
                }
            }
            return users;
        });
    }

    /**
     * The member events with {@code after < position <= upTo} in every room {@code user} has a membership in
     * now (joined, left, invited, banned...), in position order. Member events whose content has no string
     * {@code membership} are skipped.
     */
    public List<MembershipChange> membershipChanges(UserId user, long after, long upTo) {
        if (noMemberEvents(user, after, upTo)) {
            return List.of();
        }
        return readMembershipChanges(user, after, upTo);
    }

    /** As {@link #membershipChanges}, always from the database (tests compare the two). */
    List<MembershipChange> readMembershipChanges(UserId user, long after, long upTo) {
        return db.read(c -> {
            List<MembershipChange> changes = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT e.room_id, e.state_key, e.json, e.stream_ordering FROM events e
                    WHERE e.type = 'm.room.member' AND e.state_key IS NOT NULL AND e.rejected = ?
                      AND e.stream_ordering > ? AND e.stream_ordering <= ?
                      AND e.room_id IN (SELECT room_id FROM current_state
                                        WHERE type = 'm.room.member' AND state_key = ?)
                    ORDER BY e.stream_ordering""")) {
                s.setBoolean(1, false);
                s.setLong(2, after);
                s.setLong(3, upTo);
                s.setString(4, user.value());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        JsonNode membership = CanonicalJson.parse(r.getString(3)).path("content").path("membership");
                        if (membership.isTextual()) {
                            changes.add(new MembershipChange(RoomId.parse(r.getString(1)), UserId.parse(r.getString(2)),
                                    membership.textValue(), r.getLong(4)));
                        }
                    }
                }
            }
            return changes;
        });
    }

    /**
     * Whether memory tells that {@link #membershipChanges} finds nothing in {@code (after, upTo]} ({@code upTo}
     * committed): no member event was stored after {@code after} in any room the user has a membership in. The
     * rooms are kept per user while no member event targets them ({@link RoomChanges#member}); each stored
     * member event touches its room's {@link RoomChanges#members} key before its commit.
     */
    private boolean noMemberEvents(UserId user, long after, long upTo) {
        StreamChanges changes = db.changes();
        if (after < changes.floor()) {
            return false;
        }
        Rooms kept = rooms.get(user.value());
        if (kept == null || !changes.unchangedSince(RoomChanges.member(user), Math.min(kept.at(), upTo))) {
            List<RoomId> read = db.read(c -> roomsOf(c, user));
            if (rooms.size() >= MAX_KEPT) {
                rooms.clear();
            }
            kept = new Rooms(read, upTo);
            rooms.merge(user.value(), kept, (old, now) -> now.at() >= old.at() ? now : old);
        }
        for (RoomId roomId : kept.rooms()) {
            if (!changes.unchangedSince(RoomChanges.members(roomId), after)) {
                return false;
            }
        }
        return true;
    }

    /** The rooms where the user has a member event in the current state (any membership). */
    private static List<RoomId> roomsOf(Connection c, UserId user) throws SQLException {
        List<RoomId> found = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT room_id FROM current_state WHERE type = 'm.room.member' AND state_key = ?")) {
            s.setString(1, user.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.add(RoomId.parse(r.getString(1)));
                }
            }
        }
        return List.copyOf(found);
    }
}
