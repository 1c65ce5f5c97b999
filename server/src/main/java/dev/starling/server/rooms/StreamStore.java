package dev.starling.server.rooms;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.storage.StreamPositions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Queries by stream position, for /sync and /messages. */
final class StreamStore {
    private StreamStore() {}

    /** A user's membership in one room, with the stream ordering of that member event. */
    record MembershipAt(RoomId roomId, String membership, long ordering) {}

    /** The greatest committed position: every event at or below it is visible (commit order, see README). */
    static long position(Connection c) throws SQLException {
        return StreamPositions.current(c);
    }

    /**
     * The user's membership in every room as of stream position {@code upTo}: per room, the member event
     * targeting the user with the greatest position at or below it. Not the current state: a membership
     * that changed after {@code upTo} must not hide what happened before it from a sync that ends there.
     */
    static List<MembershipAt> memberships(Connection c, UserId user, long upTo) throws SQLException {
        List<MembershipAt> rooms = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT e.room_id, e.event_id, e.json, r.version, e.stream_ordering FROM events e
                JOIN rooms r ON r.room_id = e.room_id
                WHERE e.state_key = ? AND e.type = 'm.room.member' AND e.rejected = ? AND e.stream_ordering = (
                    SELECT MAX(m.stream_ordering) FROM events m WHERE m.state_key = e.state_key
                        AND m.type = 'm.room.member' AND m.room_id = e.room_id AND m.rejected = ?
                        AND m.stream_ordering <= ?)
                ORDER BY e.room_id""")) {
            s.setString(1, user.value());
            s.setBoolean(2, false);
            s.setBoolean(3, false);
            s.setLong(4, upTo);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String membership = EventStore.pdu(r.getString(3), RoomVersion.fromId(r.getString(4)),
                            r.getString(2)).content().path("membership").asText("leave");
                    rooms.add(new MembershipAt(RoomId.parse(r.getString(1)), membership, r.getLong(5)));
                }
            }
        }
        return rooms;
    }

    /** The snapshot of the room's state after its last event at or below {@code upTo}. */
    static long stateGroupAt(Connection c, RoomId roomId, long upTo) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT state_group FROM events WHERE room_id = ? AND stream_ordering <= ?
                ORDER BY stream_ordering DESC LIMIT 1""")) {
            s.setString(1, roomId.value());
            s.setLong(2, upTo);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new SQLException("room " + roomId + " has no event at or below " + upTo);
                }
                return r.getLong(1);
            }
        }
    }

    /**
     * Up to {@code limit} events of the room with {@code after < stream_ordering <= upTo}, nearest to
     * {@code upTo} first when {@code backwards}, else nearest to {@code after} first.
     */
    static List<StoredEvent> range(Connection c, RoomId roomId, long after, long upTo, int limit, boolean backwards,
            boolean stateOnly) throws SQLException {
        List<StoredEvent> events = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT e.event_id, e.json, r.version, e.stream_ordering, e.state_group FROM events e
                JOIN rooms r ON r.room_id = e.room_id
                WHERE e.room_id = ? AND e.stream_ordering > ? AND e.stream_ordering <= ? AND e.rejected = ?"""
                + (stateOnly ? " AND e.state_key IS NOT NULL" : "")
                + " ORDER BY e.stream_ordering " + (backwards ? "DESC" : "ASC") + " LIMIT ?")) {
            s.setString(1, roomId.value());
            s.setLong(2, after);
            s.setLong(3, upTo);
            s.setBoolean(4, false);
            s.setInt(5, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    events.add(new StoredEvent(EventStore.pdu(r.getString(2), RoomVersion.fromId(r.getString(3)),
                            r.getString(1)), r.getLong(4), r.getLong(5)));
                }
            }
        }
        return events;
    }

    /** The rooms with events in {@code (after, upTo]}. */
    static Set<String> roomsWithEvents(Connection c, long after, long upTo) throws SQLException {
        Set<String> rooms = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT DISTINCT room_id FROM events WHERE stream_ordering > ? AND stream_ordering <= ?")) {
            s.setLong(1, after);
            s.setLong(2, upTo);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rooms.add(r.getString(1));
                }
            }
        }
        return rooms;
    }

    /**
     * The query of {@link #txnIdsAt} for {@code events} stream orderings: {@code txn_ids}' covering index by
     * ordering (V20) alone, one search per event.
     */
    static String txnIdsAtQuery(int events) {
        return "SELECT event_ordering, txn_id FROM txn_ids WHERE event_ordering IN ("
                + String.join(", ", Collections.nCopies(events, "?")) + ") AND user_id = ? AND device_id = ?"
                + " AND room_id = ?";
    }

    /**
     * The transaction IDs the device sent some of the events at {@code orderings} with, by stream ordering: as
     * {@link #txnIds}, for callers that hold the events' positions and so need no search by event ID.
     */
    static Map<Long, String> txnIdsAt(Connection c, UserId user, DeviceId device, RoomId roomId,
            Collection<Long> orderings) throws SQLException {
        Map<Long, String> txns = new HashMap<>();
        if (orderings.isEmpty()) {
            return txns;
        }
        try (PreparedStatement s = c.prepareStatement(txnIdsAtQuery(orderings.size()))) {
            int i = 1;
            for (long ordering : orderings) {
                s.setLong(i++, ordering);
            }
            s.setString(i++, user.value());
            s.setString(i++, device.value());
            s.setString(i, roomId.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    txns.put(r.getLong(1), r.getString(2));
                }
            }
        }
        return txns;
    }

    /**
     * The query of {@link #txnIds} for {@code events} event IDs: each event's stream ordering from the events
     * table's index by event ID, then its transaction from {@code txn_ids}' index by ordering (V20), never a scan
     * of the device's transactions in the room. CROSS JOIN makes SQLite take {@code events} first.
     */
    static String txnIdsQuery(int events) {
        return "SELECT e.event_id, t.txn_id FROM events e CROSS JOIN txn_ids t"
                + " WHERE t.event_ordering = e.stream_ordering AND t.user_id = ? AND t.device_id = ? AND t.room_id = ?"
                + " AND e.event_id IN (" + String.join(", ", Collections.nCopies(events, "?")) + ")";
    }

    /** The transaction IDs the device sent some of {@code eventIds} with, by event ID. */
    static Map<String, String> txnIds(Connection c, UserId user, DeviceId device, RoomId roomId,
            Collection<String> eventIds) throws SQLException {
        Map<String, String> txns = new HashMap<>();
        if (eventIds.isEmpty()) {
            return txns;
        }
        try (PreparedStatement s = c.prepareStatement(txnIdsQuery(eventIds.size()))) {
            s.setString(1, user.value());
            s.setString(2, device.value());
            s.setString(3, roomId.value());
            int i = 4;
            for (String id : eventIds) {
                s.setString(i++, id);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    txns.put(r.getString(1), r.getString(2));
                }
            }
        }
        return txns;
    }
}
