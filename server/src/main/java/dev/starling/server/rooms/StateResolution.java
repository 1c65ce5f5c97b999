package dev.starling.server.rooms;

import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.protocol.stateres.EventProvider;
import dev.starling.protocol.stateres.StateResolver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * State resolution over stored snapshots: the protocol module's {@link StateResolver} (v2 for room versions
 * 10 and 11, v2.1 for 12) with the events read from the store on the caller's connection. Rejected events are
 * never read (they are not in any snapshot nor, for an accepted event, in its auth chain).
 */
final class StateResolution {
    private StateResolution() {}

    /** The resolution of the snapshots {@code groups} (0: the empty state). */
    static Map<StateKey, EventId> resolveGroups(Connection c, RoomVersion version, Collection<Long> groups)
            throws SQLException {
        List<Map<StateKey, EventId>> states = new ArrayList<>();
        for (long group : groups) {
            Map<StateKey, EventId> state = new HashMap<>();
            if (group != 0) {
                StateGroups.load(c, group).forEach((key, id) -> state.put(key, EventId.parse(id)));
            }
            states.add(state);
        }
        return resolve(c, version, states);
    }

    /** The resolution of {@code states}. */
    static Map<StateKey, EventId> resolve(Connection c, RoomVersion version, List<Map<StateKey, EventId>> states)
            throws SQLException {
        Map<EventId, Pdu> cache = new HashMap<>();
        EventProvider provider = id -> cache.computeIfAbsent(id, missing -> {
            try {
                return EventStore.event(c, missing.value()).map(StoredEvent::pdu).orElse(null);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read event " + missing, e);
            }
        });
        return StateResolver.resolve(version, states, provider);
    }

    /** The stream orderings of the events of {@code state}, by key (for writing it as a snapshot). */
    static Map<StateKey, Long> orderings(Connection c, Map<StateKey, EventId> state) throws SQLException {
        Map<String, StoredEvent> stored = EventStore.storedEvents(c, state.values().stream().map(EventId::value).toList());
        Map<StateKey, Long> orderings = new HashMap<>();
        for (Map.Entry<StateKey, EventId> e : state.entrySet()) {
            StoredEvent event = stored.get(e.getValue().value());
            if (event == null) {
                throw new SQLException("resolved state names an unknown event " + e.getValue());
            }
            orderings.put(e.getKey(), event.streamOrdering());
        }
        return orderings;
    }

    /** The snapshot of each forward extremity of the room, by event ID. */
    static Map<String, Long> extremityGroups(Connection c, String roomId) throws SQLException {
        Map<String, Long> groups = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT f.event_id, e.state_group FROM room_forward_extremities f JOIN events e ON e.event_id = f.event_id
                WHERE f.room_id = ?""")) {
            s.setString(1, roomId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    groups.put(r.getString(1), r.getLong(2));
                }
            }
        }
        return groups;
    }
}
