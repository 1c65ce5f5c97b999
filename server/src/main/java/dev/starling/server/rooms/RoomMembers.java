package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.storage.Database;
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

    private final Database db;

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
}
