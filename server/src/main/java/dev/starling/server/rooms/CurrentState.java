package dev.starling.server.rooms;

import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The room's current state after an event from another server: the resolution of the forward extremities'
 * states (one extremity, or several sharing a snapshot: that snapshot), stored as the room's snapshot and in
 * the flat {@code current_state} table. Steps of the event's transaction.
 */
final class CurrentState {
    private CurrentState() {}

    /**
     * Brings the current state up to date after {@code event} was stored at {@code ordering} between
     * {@code groupBefore} and {@code groupAfter}; returns the users whose member events changed in it (besides
     * the event's own target).
     */
    static Set<UserId> update(Connection c, RoomId roomId, Pdu event, long ordering, long groupBefore,
            long groupAfter) throws SQLException {
        RoomStore.RoomInfo room = RoomStore.room(c, roomId).orElseThrow();
        long old = room.stateGroup();
        Map<String, Long> extremities = StateResolution.extremityGroups(c, roomId.value());
        Set<Long> groups = new HashSet<>(extremities.values());
        long current;
        if (groups.size() == 1) {
            current = groups.iterator().next();
        } else {
            Map<StateKey, EventId> resolved = StateResolution.resolveGroups(c, room.version(), groups);
            current = StateGroups.snapshot(c, roomId.value(), groupAfter, StateResolution.orderings(c, resolved));
        }
        Set<UserId> changed = new HashSet<>();
        if (current == old) {
            return changed;
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE rooms SET state_group = ? WHERE room_id = ?")) {
            s.setLong(1, current);
            s.setString(2, roomId.value());
            s.executeUpdate();
        }
        RoomChanges.currentStateChanged(c, roomId, ordering);
        if (old == groupBefore && current == groupAfter) {
            // The usual case: the event extends the only extremity; only its own key changed.
            if (event.isState()) {
                EventStore.upsertCurrentState(c, event);
            }
            return changed;
        }
        Map<StateKey, String> before = RoomStore.currentState(c, roomId);
        Map<StateKey, String> after = StateGroups.load(c, current);
        Map<StateKey, String> upserts = new HashMap<>();
        after.forEach((key, id) -> {
            if (!id.equals(before.get(key))) {
                upserts.put(key, id);
            }
        });
        Map<String, Pdu> pdus = EventStore.pdus(c, upserts.values());
        for (Map.Entry<StateKey, String> e : upserts.entrySet()) {
            EventStore.upsertCurrentState(c, pdus.get(e.getValue()));
            if (EventTypes.MEMBER.equals(e.getKey().type())) {
                changed.add(UserId.parse(e.getKey().stateKey()));
            }
        }
        for (StateKey key : before.keySet()) {
            if (!after.containsKey(key)) {
                try (PreparedStatement s = c.prepareStatement(
                        "DELETE FROM current_state WHERE room_id = ? AND type = ? AND state_key = ?")) {
                    s.setString(1, roomId.value());
                    s.setString(2, key.type());
                    s.setString(3, key.stateKey());
                    s.executeUpdate();
                }
                if (EventTypes.MEMBER.equals(key.type())) {
                    changed.add(UserId.parse(key.stateKey()));
                }
            }
        }
        return changed;
    }
}
