package dev.starling.protocol.stateres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.auth.PowerLevels;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.HashMap;
import java.util.Map;

/**
 * The events of one resolution, fetched once from the {@link EventProvider} and checked to be in the room being
 * resolved (an event from another room must never influence this room's state).
 */
final class Events {
    private final EventProvider provider;
    private final RoomVersion version;
    private final Map<EventId, Pdu> cache = new HashMap<>();
    private final Map<EventId, PowerLevels> powerLevels = new HashMap<>();
    private RoomId roomId;

    Events(EventProvider provider, RoomVersion version) {
        this.provider = provider;
        this.version = version;
    }

    RoomVersion version() {
        return version;
    }

    /** The event; a missing one is an error. */
    Pdu get(EventId id) {
        Pdu event = find(id);
        if (event == null) {
            throw new StateResolutionException(StateResolutionException.Problem.MISSING_EVENT,
                    "event " + id + " is needed but not available");
        }
        return event;
    }

    /** The event, or {@code null} when it is not available. */
    Pdu find(EventId id) {
        Pdu event = cache.get(id);
        if (event != null) {
            return event;
        }
        event = provider.get(id);
        if (event == null) {
            return null;
        }
        if (roomId == null) {
            roomId = event.roomId();
        } else if (!roomId.equals(event.roomId())) {
            throw new StateResolutionException(StateResolutionException.Problem.WRONG_ROOM,
                    "event " + id + " is in room " + event.roomId() + ", not " + roomId);
        }
        cache.put(id, event);
        return event;
    }

    boolean isRejected(EventId id) {
        return provider.isRejected(id);
    }

    /**
     * The room's create event. In room version 12 other events do not cite it in {@code auth_events}; its event
     * ID is {@code $} + the room ID's hash (spec: room version 12, "Event format"). Before version 12 it is
     * found among the event's auth events. Returns {@code null} when it cannot be found.
     */
    Pdu createEvent(Pdu event) {
        if (event.isCreateEvent()) {
            return event;
        }
        if (version.roomIdIsCreateEventHash()) {
            return find(new EventId("$" + event.roomId().value().substring(1)));
        }
        for (EventId id : event.authEvents()) {
            Pdu auth = find(id);
            if (auth != null && auth.isCreateEvent()) {
                return auth;
            }
        }
        return null;
    }

    /** The {@code m.room.power_levels} event among the event's auth events, or {@code null}. */
    Pdu powerLevelsAuthEvent(Pdu event) {
        for (EventId id : event.authEvents()) {
            Pdu auth = find(id);
            if (auth != null && auth.is(EventTypes.POWER_LEVELS)) {
                return auth;
            }
        }
        return null;
    }

    /** The parsed content of a power-levels event, parsed once per resolution. */
    PowerLevels powerLevels(Pdu powerLevelsEvent) {
        return powerLevels.computeIfAbsent(powerLevelsEvent.eventId(), id -> PowerLevels.fromContent(powerLevelsEvent.content()));
    }

    /**
     * A power event (spec: room version 2 state resolution, "Power events"): power levels, join rules, or a kick
     * or ban (a leave or ban whose sender is not its target). Like Synapse and ruma we also count the create
     * event, which can only be conflicted in a broken room and must then sort first.
     */
    static boolean isPowerEvent(Pdu event) {
        if (event.is(EventTypes.POWER_LEVELS) || event.is(EventTypes.JOIN_RULES) || event.isCreateEvent()) {
            return true;
        }
        if (EventTypes.MEMBER.equals(event.type()) && event.isState()) {
            String membership = membership(event);
            return ("leave".equals(membership) || "ban".equals(membership))
                    && !event.sender().value().equals(event.stateKey().orElseThrow());
        }
        return false;
    }

    static String membership(Pdu event) {
        JsonNode membership = event.content().get("membership");
        return membership != null && membership.isTextual() ? membership.textValue() : null;
    }
}
