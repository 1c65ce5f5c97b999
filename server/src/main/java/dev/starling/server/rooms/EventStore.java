package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import java.nio.charset.StandardCharsets;
import dev.starling.server.storage.StreamPositions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Events on disk: {@link #persist} writes a run of new events of one room (the event rows, their edges, the
 * forward extremities, the current state, a state snapshot per state event, the room row for a create
 * event, the client's transaction ID) inside the caller's transaction; the reads load events back. Methods
 * take the caller's connection: a persist is one step of one transaction, committed before anyone answers.
 */
final class EventStore {
    /** IDs per query when loading many events; well below both databases' parameter limits. */
    private static final int CHUNK = 500;

    private EventStore() {}

    /**
     * Persists {@code events}, built in this order on {@code before} (each the only successor of the one
     * before it), and records {@code txn} for the last one. Assigns each event the next global stream position
     * and returns the first's (0 when there are no events).
     */
    static long persist(Connection c, RoomDraft before, List<Pdu> events, Optional<TxnKey> txn, long nowMillis)
            throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        long first = StreamPositions.take(c, events.size());
        long group = before.storedStateGroup();
        String roomId = events.get(0).roomId().value();
        for (int i = 0; i < events.size(); i++) {
            Pdu event = events.get(i);
            long ordering = first + i;
            long groupBefore = group;
            if (event.isState()) {
                group = StateGroups.append(c, roomId, group, event.stateTuple(), ordering);
            }
            if (event.isCreateEvent()) {
                insertRoom(c, event, group);
            }
            insertEvent(c, event, ordering, group, groupBefore, Flags.TIMELINE);
            EventIndexes.index(c, event, ordering, Optional.empty());
            insertEdges(c, event, ordering);
            for (EventId prev : event.prevEvents()) {
                try (PreparedStatement s = c.prepareStatement(
                        "DELETE FROM room_forward_extremities WHERE room_id = ? AND event_id = ?")) {
                    s.setString(1, roomId);
                    s.setString(2, prev.value());
                    s.executeUpdate();
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO room_forward_extremities (room_id, event_id) VALUES (?, ?)")) {
                s.setString(1, roomId);
                s.setString(2, event.eventId().value());
                s.executeUpdate();
            }
            if (event.isState()) {
                upsertCurrentState(c, event);
            }
        }
        // Only state events change the snapshot (a message keeps the group it was built on, the room's row).
        if (group != before.storedStateGroup()) {
            try (PreparedStatement s = c.prepareStatement("UPDATE rooms SET state_group = ? WHERE room_id = ?")) {
                s.setLong(1, group);
                s.setString(2, roomId);
                s.executeUpdate();
            }
            RoomChanges.currentStateChanged(c, events.get(0).roomId(), first + events.size() - 1);
        }
        if (txn.isPresent()) {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO txn_ids (user_id, device_id, room_id, txn_id, event_id, event_ordering, created_ts)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                s.setString(1, txn.get().user().value());
                s.setString(2, txn.get().device().value());
                s.setString(3, txn.get().room().value());
                s.setString(4, txn.get().txnId());
                s.setString(5, events.get(events.size() - 1).eventId().value());
                s.setLong(6, first + events.size() - 1);
                s.setLong(7, nowMillis);
                s.executeUpdate();
            }
        }
        return first;
    }

    /**
     * Records the DAG edges of {@code event}, stored at {@code ordering}: one row per prev_event, keyed by the
     * ordering so that rows are appended rather than scattered by the event ID's hash (migration V19).
     */
    static void insertEdges(Connection c, Pdu event, long ordering) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO event_edges (event_ordering, prev_event_id) VALUES (?, ?)")) {
            for (EventId prev : event.prevEvents()) {
                s.setLong(1, ordering);
                s.setString(2, prev.value());
                s.executeUpdate();
            }
        }
    }

    /** The event a client transaction ID produced, if it was used before. */
    static Optional<EventId> txnEvent(Connection c, TxnKey txn) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT event_id FROM txn_ids WHERE user_id = ? AND device_id = ? AND room_id = ? AND txn_id = ?")) {
            s.setString(1, txn.user().value());
            s.setString(2, txn.device().value());
            s.setString(3, txn.room().value());
            s.setString(4, txn.txnId());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(EventId.parse(r.getString(1))) : Optional.empty();
            }
        }
    }

    /** A stored event that was not rejected, with its position and state snapshot. */
    static Optional<StoredEvent> event(Connection c, String eventId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT e.json, r.version, e.stream_ordering, e.state_group FROM events e
                JOIN rooms r ON r.room_id = e.room_id
                WHERE e.event_id = ? AND e.rejected = ?""")) {
            s.setString(1, eventId);
            s.setBoolean(2, false);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                Pdu pdu = pdu(r.getString(1), RoomVersion.fromId(r.getString(2)), eventId);
                return Optional.of(new StoredEvent(pdu, r.getLong(3), r.getLong(4)));
            }
        }
    }

    /** The PDU of a stored event that is known to exist (named by state or extremities). */
    static Pdu pdu(Connection c, String eventId) throws SQLException {
        return event(c, eventId).orElseThrow(() -> new SQLException("stored state names a missing event " + eventId))
                .pdu();
    }

    /** The member events of {@code user} in the room after the stream position {@code ordering}, in order. */
    static List<Pdu> memberEventsAfter(Connection c, RoomId roomId, UserId user, long ordering) throws SQLException {
        List<Pdu> events = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT e.event_id, e.json, r.version FROM events e JOIN rooms r ON r.room_id = e.room_id
                WHERE e.room_id = ? AND e.type = 'm.room.member' AND e.state_key = ? AND e.stream_ordering > ?
                    AND e.rejected = ?
                ORDER BY e.stream_ordering""")) {
            s.setString(1, roomId.value());
            s.setString(2, user.value());
            s.setLong(3, ordering);
            s.setBoolean(4, false);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    events.add(pdu(r.getString(2), RoomVersion.fromId(r.getString(3)), r.getString(1)));
                }
            }
        }
        return events;
    }

    /** The PDUs of stored events known to exist, by event ID; read in chunks of {@value #CHUNK} IDs. */
    static Map<String, Pdu> pdus(Connection c, Collection<String> eventIds) throws SQLException {
        Map<String, StoredEvent> stored = storedEvents(c, eventIds);
        if (stored.size() != new java.util.HashSet<>(eventIds).size()) {
            throw new SQLException("stored state names " + (eventIds.size() - stored.size()) + " missing events");
        }
        Map<String, Pdu> found = new HashMap<>();
        stored.forEach((id, event) -> found.put(id, event.pdu()));
        return found;
    }

    /** The stored, not rejected events among {@code eventIds}, by event ID (missing ones are left out). */
    static Map<String, StoredEvent> storedEvents(Connection c, Collection<String> eventIds) throws SQLException {
        Map<String, StoredEvent> found = new HashMap<>();
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(eventIds));
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement s = c.prepareStatement("SELECT e.event_id, e.json, r.version, e.stream_ordering,"
                    + " e.state_group FROM events e JOIN rooms r ON r.room_id = e.room_id WHERE e.rejected = ?"
                    + " AND e.event_id IN (" + marks + ")")) {
                s.setBoolean(1, false);
                for (int i = 0; i < chunk.size(); i++) {
                    s.setString(i + 2, chunk.get(i));
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        Pdu pdu = pdu(r.getString(2), RoomVersion.fromId(r.getString(3)), r.getString(1));
                        found.put(r.getString(1), new StoredEvent(pdu, r.getLong(4), r.getLong(5)));
                    }
                }
            }
        }
        return found;
    }

    /** A PDU loaded from our own storage, where it was checked on the way in: its ID is trusted. */
    static Pdu pdu(String json, RoomVersion version, String eventId) {
        return PduCache.get(eventId, json, version, () -> Pdu.withKnownId(
                CanonicalJson.parseObject(json.getBytes(StandardCharsets.UTF_8)), version, EventId.parse(eventId)));
    }

    private static void insertRoom(Connection c, Pdu create, long group) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO rooms (room_id, version, creator, created_ts, state_group) VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, create.roomId().value());
            s.setString(2, create.roomVersion().id());
            s.setString(3, create.sender().value());
            s.setLong(4, create.originServerTs());
            s.setLong(5, group);
            s.executeUpdate();
        }
    }

    /** How an event is kept: in the timeline, or hidden as an outlier, soft-failed or rejected (migration V11). */
    enum Flags {
        TIMELINE(false, false, false), OUTLIER(true, false, false), SOFT_FAILED(false, true, false),
        REJECTED(false, false, true), REJECTED_OUTLIER(true, false, true);

        final boolean outlier;
        final boolean softFailed;
        final boolean rejected;

        Flags(boolean outlier, boolean softFailed, boolean rejected) {
            this.outlier = outlier;
            this.softFailed = softFailed;
            this.rejected = rejected;
        }
    }

    /**
     * Inserts one event row. {@code groupBefore} &lt; 0: the state before it is unknown (outliers).
     * Every row but a timeline event's has a negative ordering (see {@link #hiddenOrdering}).
     */
    static void insertEvent(Connection c, Pdu event, long ordering, long group, long groupBefore, Flags flags)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO events (event_id, stream_ordering, room_id, depth, type, state_key, sender,
                    origin_server_ts, json, rejected, state_group, state_group_before, outlier, soft_failed)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setString(1, event.eventId().value());
            s.setLong(2, ordering);
            s.setString(3, event.roomId().value());
            s.setLong(4, event.depth());
            s.setString(5, event.type());
            s.setString(6, event.stateKey().orElse(null));
            s.setString(7, event.sender().value());
            s.setLong(8, event.originServerTs());
            String json = event.canonicalJson(); // for an event built here: the encoding kept since signing
            s.setString(9, json);
            s.setBoolean(10, flags.rejected);
            s.setLong(11, group);
            if (groupBefore < 0) {
                s.setNull(12, java.sql.Types.BIGINT);
            } else {
                s.setLong(12, groupBefore);
            }
            s.setBoolean(13, flags.outlier);
            s.setBoolean(14, flags.softFailed);
            s.executeUpdate();
            RoomChanges.stored(event, flags.rejected ? -1 : ordering);
            // Not remembered in PduCache: the sends hand new events to /sync's windows, and keeping every event
            // stored for the cache's lifetime made each young collection copy them (BENCHMARKS.md, 2026-11-25).
        }
    }

    /**
     * The next negative stream ordering, for an event no read by stream position may see (an outlier, a
     * soft-failed or a rejected event): it still needs a unique number, which state snapshots refer to.
     */
    static long hiddenOrdering(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE hidden_event_position SET position = position - 1 WHERE id = 1 RETURNING position")) {
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    static void upsertCurrentState(Connection c, Pdu event) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO current_state (room_id, type, state_key, event_id, membership) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (room_id, type, state_key)
                DO UPDATE SET event_id = excluded.event_id, membership = excluded.membership""")) {
            s.setString(1, event.roomId().value());
            s.setString(2, event.type());
            s.setString(3, event.stateKey().orElseThrow());
            s.setString(4, event.eventId().value());
            JsonNode membership = event.content().get("membership");
            s.setString(5, EventTypes.MEMBER.equals(event.type()) && membership != null && membership.isTextual()
                    ? membership.textValue() : null);
            s.executeUpdate();
        }
    }
}
