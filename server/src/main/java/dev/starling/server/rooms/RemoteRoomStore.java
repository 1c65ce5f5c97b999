package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.storage.StreamPositions;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Storage for rooms that live on other servers (migration V12), next to {@link EventStore}: outliers (events
 * held without their place in the DAG: the state and auth chain a remote join brings) numbered from
 * {@code hidden_event_position} downwards (shared with the inbound pipeline's hidden events), a whole state snapshot written at once, and out-of-band membership
 * (an invite from a remote server, its rejection) for rooms we do not participate in. Methods take the
 * caller's connection: they are steps of one transaction.
 */
final class RemoteRoomStore {
    private static final int CHUNK = 500;

    private RemoteRoomStore() {}

    /**
     * A copy of a remote event without {@code unsigned}: nothing a remote server puts there (age, stripped
     * state) is ours to keep or hand on, and the signatures and hashes do not cover it.
     */
    static ObjectNode withoutUnsigned(ObjectNode event) {
        ObjectNode copy = event.deepCopy();
        copy.remove("unsigned");
        return copy;
    }

    /**
     * Whether this server participates in the room: it holds the room's state (its create event) and one of
     * its users is joined — or nobody is, so no other server holds a newer state. Otherwise a join goes over
     * federation (a rejoin, after all our users left, included), a resident request is 404, and a leave of an
     * invite is a rejection through the inviting server.
     */
    static boolean participating(Connection c, RoomId roomId, ServerName us) throws SQLException {
        if (RoomStore.stateEventId(c, roomId, RoomStore.CREATE).isEmpty()) {
            return false;
        }
        String joined = "SELECT 1 FROM current_state WHERE room_id = ? AND type = 'm.room.member'"
                + " AND membership = 'join'";
        try (PreparedStatement s = c.prepareStatement(joined + " AND state_key LIKE ? ESCAPE '!' LIMIT 1")) {
            s.setString(1, roomId.value());
            s.setString(2, "%:" + us.value().replace("!", "!!").replace("%", "!%").replace("_", "!_"));
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    return true;
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement(joined + " LIMIT 1")) {
            s.setString(1, roomId.value());
            try (ResultSet r = s.executeQuery()) {
                return !r.next();
            }
        }
    }

    /** The servers of the room's joined members in the state we hold (candidates for a rejoin), at most 20. */
    static List<ServerName> joinedServers(Connection c, RoomId roomId) throws SQLException {
        java.util.Set<ServerName> servers = new java.util.LinkedHashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT state_key FROM current_state WHERE room_id = ?"
                + " AND type = 'm.room.member' AND membership = 'join' ORDER BY state_key")) {
            s.setString(1, roomId.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next() && servers.size() < 20) {
                    servers.add(UserId.parse(r.getString(1)).server());
                }
            }
        }
        return List.copyOf(servers);
    }

    /**
     * Stores the outcome of a remote join: {@code events} (state and auth chain) as outliers, one full state
     * snapshot of {@code stateBefore}, the room row (created or replaced), the current state; then the join
     * itself through {@link EventStore#persist}, which makes it the forward extremity and the newest event of
     * the room's timeline. Events already stored (an earlier invite) keep their row.
     */
    static void persistJoin(Connection c, RoomVersion version, Pdu create, Map<StateKey, Pdu> stateBefore,
            Collection<Pdu> events, Pdu join, long nowMillis) throws SQLException {
        RoomId roomId = join.roomId();
        Map<String, Long> orderings = new HashMap<>();
        EventStore.storedEvents(c, events.stream().map(e -> e.eventId().value()).toList())
                .forEach((id, stored) -> orderings.put(id, stored.streamOrdering()));
        List<Pdu> fresh = events.stream().filter(e -> !orderings.containsKey(e.eventId().value())).toList();
        long next = fresh.isEmpty() ? 0 : takeOutlierPositions(c, fresh.size());
        for (Pdu event : fresh) {
            orderings.put(event.eventId().value(), next--);
        }
        Map<StateKey, Long> entries = new HashMap<>();
        stateBefore.forEach((key, event) -> entries.put(key, orderings.get(event.eventId().value())));
        long group = fullSnapshot(c, roomId.value(), entries);
        upsertRoom(c, version, create, group); // RoomChanges.currentState: touched by the join's persist below
        try (PreparedStatement s = c.prepareStatement(INSERT_EVENT)) {
            for (Pdu event : fresh) {
                bindEvent(s, event, orderings.get(event.eventId().value()), group, -1, true);
                s.addBatch();
            }
            s.executeBatch();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM current_state WHERE room_id = ?")) {
            s.setString(1, roomId.value());
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO current_state (room_id, type, state_key, event_id, membership) VALUES (?, ?, ?, ?, ?)")) {
            for (Pdu event : stateBefore.values()) {
                s.setString(1, roomId.value());
                s.setString(2, event.type());
                s.setString(3, event.stateKey().orElseThrow());
                s.setString(4, event.eventId().value());
                s.setString(5, membership(event));
                s.addBatch();
            }
            s.executeBatch();
        }
        // A room we held before (all our users had left) has stale extremities: the join is the only one now.
        try (PreparedStatement s = c.prepareStatement("DELETE FROM room_forward_extremities WHERE room_id = ?")) {
            s.setString(1, roomId.value());
            s.executeUpdate();
        }
        RoomDraft before = RoomDraft.stored(version, roomId, Map.of(), List.of(), 0, group);
        EventStore.persist(c, before, List.of(join), Optional.empty(), nowMillis);
    }

    /**
     * Stores a member event of a room we do not participate in (an invite of one of our users from another
     * server, or the leave that rejects it) at the next stream position, so the user's /sync shows it; the
     * room row is created for it if needed. No DAG: no edges, no forward extremity.
     *
     * @param inviteState the stripped room state that came with an invite, or null
     */
    static long persistOutOfBand(Connection c, Pdu event, ArrayNode inviteState) throws SQLException {
        RoomId roomId = event.roomId();
        long ordering = StreamPositions.next(c);
        Optional<RoomStore.RoomInfo> room = RoomStore.room(c, roomId);
        long groupBefore = room.map(RoomStore.RoomInfo::stateGroup).orElse(0L);
        long group = StateGroups.append(c, roomId.value(), groupBefore, event.stateTuple(), ordering);
        if (room.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO rooms (room_id, version, creator, created_ts, state_group) VALUES (?, ?, ?, ?, ?)")) {
                s.setString(1, roomId.value());
                s.setString(2, event.roomVersion().id());
                s.setString(3, event.sender().value()); // the creator is not known; the inviter stands in
                s.setLong(4, event.originServerTs());
                s.setLong(5, group);
                s.executeUpdate();
            }
        } else {
            try (PreparedStatement s = c.prepareStatement("UPDATE rooms SET state_group = ? WHERE room_id = ?")) {
                s.setLong(1, group);
                s.setString(2, roomId.value());
                s.executeUpdate();
            }
        }
        RoomChanges.currentStateChanged(c, roomId, ordering);
        try (PreparedStatement s = c.prepareStatement(INSERT_EVENT)) {
            bindEvent(s, event, ordering, group, groupBefore, false);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO current_state (room_id, type, state_key, event_id, membership) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (room_id, type, state_key)
                DO UPDATE SET event_id = excluded.event_id, membership = excluded.membership""")) {
            s.setString(1, roomId.value());
            s.setString(2, event.type());
            s.setString(3, event.stateKey().orElseThrow());
            s.setString(4, event.eventId().value());
            s.setString(5, membership(event));
            s.executeUpdate();
        }
        if (inviteState != null) {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO invite_room_state (event_id, room_id, user_id, state_json) VALUES (?, ?, ?, ?)")) {
                s.setString(1, event.eventId().value());
                s.setString(2, roomId.value());
                s.setString(3, event.stateKey().orElseThrow());
                s.setString(4, new String(CanonicalJson.encode(inviteState), StandardCharsets.UTF_8));
                s.executeUpdate();
            }
        }
        return ordering;
    }

    /**
     * The stripped state a remote server sent with the user's current invite to the room, if the invite came
     * over federation (for /sync's {@code rooms.invite}).
     */
    static Optional<List<ObjectNode>> inviteRoomState(Connection c, RoomId roomId, UserId user) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT i.state_json FROM current_state cs JOIN invite_room_state i ON i.event_id = cs.event_id
                WHERE cs.room_id = ? AND cs.type = 'm.room.member' AND cs.state_key = ?""")) {
            s.setString(1, roomId.value());
            s.setString(2, user.value());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                List<ObjectNode> events = new ArrayList<>();
                for (JsonNode node : CanonicalJson.parse(r.getString(1).getBytes(StandardCharsets.UTF_8))) {
                    events.add((ObjectNode) node);
                }
                return Optional.of(events);
            }
        }
    }

    /** Takes {@code count} outlier numbers and returns the greatest (the others follow it downwards). */
    private static long takeOutlierPositions(Connection c, int count) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE hidden_event_position SET position = position - ? WHERE id = 1 RETURNING position")) {
            s.setLong(1, count);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1) + count - 1;
            }
        }
    }

    /** One full snapshot (no delta chain) of {@code entries}: state key → event ordering. */
    private static long fullSnapshot(Connection c, String roomId, Map<StateKey, Long> entries) throws SQLException {
        Map<StateKey, Long> keyIds = internAll(c, entries.keySet());
        long group;
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO state_groups (room_id, prev_group, chain_length) VALUES (?, NULL, 0) RETURNING id")) {
            s.setString(1, roomId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                group = r.getLong(1);
            }
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO state_group_entries (state_group, state_key_id, event_ordering) VALUES (?, ?, ?)")) {
            for (Map.Entry<StateKey, Long> e : entries.entrySet()) {
                s.setLong(1, group);
                s.setLong(2, keyIds.get(e.getKey()));
                s.setLong(3, e.getValue());
                s.addBatch();
            }
            s.executeBatch();
        }
        return group;
    }

    /** Interns many state keys with a few statements per {@value #CHUNK} keys of one type. */
    private static Map<StateKey, Long> internAll(Connection c, Collection<StateKey> keys) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO state_keys (type, state_key) VALUES (?, ?) ON CONFLICT (type, state_key) DO NOTHING")) {
            for (StateKey key : keys) {
                s.setString(1, key.type());
                s.setString(2, key.stateKey());
                s.addBatch();
            }
            s.executeBatch();
        }
        Map<String, List<String>> byType = new HashMap<>();
        keys.forEach(k -> byType.computeIfAbsent(k.type(), t -> new ArrayList<>()).add(k.stateKey()));
        Map<StateKey, Long> ids = new HashMap<>();
        for (Map.Entry<String, List<String>> type : byType.entrySet()) {
            List<String> stateKeys = type.getValue();
            for (int from = 0; from < stateKeys.size(); from += CHUNK) {
                List<String> chunk = stateKeys.subList(from, Math.min(stateKeys.size(), from + CHUNK));
                String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT id, state_key FROM state_keys WHERE type = ? AND state_key IN (" + marks + ")")) {
                    s.setString(1, type.getKey());
                    for (int i = 0; i < chunk.size(); i++) {
                        s.setString(i + 2, chunk.get(i));
                    }
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            ids.put(new StateKey(type.getKey(), r.getString(2)), r.getLong(1));
                        }
                    }
                }
            }
        }
        return ids;
    }

    private static void upsertRoom(Connection c, RoomVersion version, Pdu create, long group) throws SQLException {
        boolean exists = RoomStore.room(c, create.roomId()).isPresent();
        try (PreparedStatement s = c.prepareStatement(exists
                ? "UPDATE rooms SET version = ?, creator = ?, created_ts = ?, state_group = ? WHERE room_id = ?"
                : "INSERT INTO rooms (version, creator, created_ts, state_group, room_id) VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, version.id());
            s.setString(2, create.sender().value());
            s.setLong(3, create.originServerTs());
            s.setLong(4, group);
            s.setString(5, create.roomId().value());
            s.executeUpdate();
        }
    }

    private static final String INSERT_EVENT = """
            INSERT INTO events (event_id, stream_ordering, room_id, depth, type, state_key, sender,
                origin_server_ts, json, rejected, state_group, state_group_before, outlier)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    /** @param groupBefore the snapshot before the event, or -1 when unknown (outliers) */
    private static void bindEvent(PreparedStatement s, Pdu event, long ordering, long group, long groupBefore,
            boolean outlier) throws SQLException {
        s.setString(1, event.eventId().value());
        s.setLong(2, ordering);
        s.setString(3, event.roomId().value());
        s.setLong(4, event.depth());
        s.setString(5, event.type());
        s.setString(6, event.stateKey().orElse(null));
        s.setString(7, event.sender().value());
        s.setLong(8, event.originServerTs());
        String json = new String(event.canonicalBytes(), StandardCharsets.UTF_8);
        s.setString(9, json);
        s.setBoolean(10, false);
        s.setLong(11, group);
        if (groupBefore < 0) {
            s.setNull(12, java.sql.Types.BIGINT);
        } else {
            s.setLong(12, groupBefore);
        }
        s.setBoolean(13, outlier);
        RoomChanges.stored(event, outlier ? -1 : ordering);
        PduCache.remember(event, json);
    }

    private static String membership(Pdu event) {
        JsonNode membership = event.content().get("membership");
        return EventTypes.MEMBER.equals(event.type()) && membership != null && membership.isTextual()
                ? membership.textValue() : null;
    }
}
