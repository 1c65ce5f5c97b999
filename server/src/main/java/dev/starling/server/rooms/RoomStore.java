package dev.starling.server.rooms;

import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rooms and their current state on disk: the room row, the flat {@code current_state} table (with each
 * member event's membership copied out for quick queries) and the forward extremities. Methods take the
 * caller's connection, so that several reads share one snapshot.
 */
final class RoomStore {
    static final StateKey CREATE = new StateKey(EventTypes.CREATE, "");

    private RoomStore() {}

    /** A stored room: its version and the snapshot of its current state. */
    record RoomInfo(RoomId roomId, RoomVersion version, long stateGroup) {}

    static Optional<RoomInfo> room(Connection c, RoomId roomId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT version, state_group FROM rooms WHERE room_id = ?")) {
            s.setString(1, roomId.value());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new RoomInfo(roomId, RoomVersion.fromId(r.getString(1)), r.getLong(2)))
                        : Optional.empty();
            }
        }
    }

    /**
     * The draft for the room's next event: the create event and the current state at {@code keys}, the
     * forward extremities and their greatest depth.
     */
    static RoomDraft draft(Connection c, RoomInfo room, Collection<StateKey> keys) throws SQLException {
        Set<StateKey> wanted = new LinkedHashSet<>(keys);
        wanted.add(CREATE);
        Map<StateKey, Pdu> state = new HashMap<>();
        for (StateKey key : wanted) {
            Optional<String> id = stateEventId(c, room.roomId(), key);
            if (id.isPresent()) {
                state.put(key, EventStore.pdu(c, id.get()));
            }
        }
        List<EventId> extremities = new ArrayList<>();
        long maxDepth = 0;
        try (PreparedStatement s = c.prepareStatement("""
                SELECT e.event_id, e.depth FROM room_forward_extremities f JOIN events e ON e.event_id = f.event_id
                WHERE f.room_id = ? ORDER BY e.depth DESC, e.stream_ordering DESC""")) {
            s.setString(1, room.roomId().value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    extremities.add(EventId.parse(r.getString(1)));
                    maxDepth = Math.max(maxDepth, r.getLong(2));
                }
            }
        }
        return RoomDraft.stored(room.version(), room.roomId(), state, extremities, maxDepth, room.stateGroup());
    }

    /** The event ID of the current state at {@code key}. */
    static Optional<String> stateEventId(Connection c, RoomId roomId, StateKey key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT event_id FROM current_state WHERE room_id = ? AND type = ? AND state_key = ?")) {
            s.setString(1, roomId.value());
            s.setString(2, key.type());
            s.setString(3, key.stateKey());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    /** The current membership of {@code user} ("join", "leave"…), empty if the user never had one. */
    static Optional<String> membership(Connection c, RoomId roomId, UserId user) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT membership FROM current_state WHERE room_id = ? AND type = 'm.room.member' AND state_key = ?""")) {
            s.setString(1, roomId.value());
            s.setString(2, user.value());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.empty();
            }
        }
    }

    /** Rooms where {@code user}'s current membership is join, by room ID. */
    static List<RoomId> joinedRooms(Connection c, UserId user) throws SQLException {
        List<RoomId> rooms = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT room_id FROM current_state WHERE type = 'm.room.member' AND state_key = ? AND membership = 'join'
                ORDER BY room_id""")) {
            s.setString(1, user.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rooms.add(RoomId.parse(r.getString(1)));
                }
            }
        }
        return rooms;
    }

    /** The whole current state: key → event ID. */
    static Map<StateKey, String> currentState(Connection c, RoomId roomId) throws SQLException {
        Map<StateKey, String> state = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT type, state_key, event_id FROM current_state WHERE room_id = ?")) {
            s.setString(1, roomId.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    state.put(new StateKey(r.getString(1), r.getString(2)), r.getString(3));
                }
            }
        }
        return state;
    }

    /** Event IDs of the current member events of users whose membership is join. */
    static List<String> joinedMemberEvents(Connection c, RoomId roomId) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT event_id FROM current_state WHERE room_id = ? AND type = 'm.room.member' AND membership = 'join'
                ORDER BY state_key""")) {
            s.setString(1, roomId.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
        }
        return ids;
    }
}
