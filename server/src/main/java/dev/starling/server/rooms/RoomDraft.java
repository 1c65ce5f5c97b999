package dev.starling.server.rooms;

import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The part of a room that building its next event needs: the version, the state the auth rules look at
 * (the whole state for a room being created, only the keys an event's auth needs for one loaded from the
 * store), the forward extremities and their greatest depth. {@link #apply} moves it past a new event, so a
 * sequence of events (room creation) can be built before any is stored. Not thread-safe: used under the
 * room's lock.
 */
final class RoomDraft {
    private final RoomVersion version;
    private RoomId roomId; // null until the create event of a v12 room exists
    private final Map<StateKey, Pdu> state;
    private List<EventId> extremities;
    private long maxDepth;
    private final long stateGroup; // the stored current state's snapshot; 0 for a new room

    private RoomDraft(RoomVersion version, RoomId roomId, Map<StateKey, Pdu> state, List<EventId> extremities,
            long maxDepth, long stateGroup) {
        this.version = version;
        this.roomId = roomId;
        this.state = new HashMap<>(state);
        this.extremities = List.copyOf(extremities);
        this.maxDepth = maxDepth;
        this.stateGroup = stateGroup;
    }

    /** A room that does not exist yet; {@code roomId} is null for v12, where the create event names it. */
    static RoomDraft newRoom(RoomVersion version, RoomId roomId) {
        return new RoomDraft(version, roomId, Map.of(), List.of(), 0, 0);
    }

    /** A stored room: the given part of its current state, its extremities and their greatest depth. */
    static RoomDraft stored(RoomVersion version, RoomId roomId, Map<StateKey, Pdu> state, List<EventId> extremities,
            long maxDepth, long stateGroup) {
        return new RoomDraft(version, roomId, state, extremities, maxDepth, stateGroup);
    }

    RoomVersion version() {
        return version;
    }

    Optional<RoomId> roomId() {
        return Optional.ofNullable(roomId);
    }

    Map<StateKey, Pdu> state() {
        return state;
    }

    Optional<Pdu> get(StateKey key) {
        return Optional.ofNullable(state.get(key));
    }

    List<EventId> extremities() {
        return extremities;
    }

    long maxDepth() {
        return maxDepth;
    }

    /** The stored snapshot of the current state this draft started from; 0 for a room being created. */
    long storedStateGroup() {
        return stateGroup;
    }

    /** This draft, starting from the stored snapshot {@code group} instead (an event queued after others). */
    RoomDraft startingFrom(long group) {
        return new RoomDraft(version, roomId, state, extremities, maxDepth, group);
    }

    /** Moves past {@code event}: it becomes the only extremity and, if it is state, part of the state. */
    void apply(Pdu event) {
        if (roomId == null) {
            roomId = event.roomId();
        }
        if (event.isState()) {
            state.put(event.stateTuple(), event);
        }
        extremities = new ArrayList<>(List.of(event.eventId()));
        maxDepth = Math.max(maxDepth, event.depth());
    }
}
