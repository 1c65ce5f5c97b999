package dev.starling.protocol.stateres;

import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.EventId;
import java.util.Map;

/**
 * Where state resolution gets the events it needs: those in the state sets and those in their auth chains.
 * A server backs this with its event store (and a cache); tests back it with a map.
 */
@FunctionalInterface
public interface EventProvider {
    /**
     * Returns the event, or {@code null} when it is not available. State resolution turns a missing event it
     * needs into a {@link StateResolutionException} with {@link StateResolutionException.Problem#MISSING_EVENT}.
     */
    Pdu get(EventId eventId);

    /**
     * True when the event was rejected by the authorization rules against its own auth events. Such events are
     * never used as auth events during the iterative auth checks (spec: room version 2 state resolution,
     * "Rejected events"). Events rejected only against the state before them are not "rejected" here.
     */
    default boolean isRejected(EventId eventId) {
        return false;
    }

    /** A provider over a fixed map of events, none of them rejected. */
    static EventProvider of(Map<EventId, Pdu> events) {
        Map<EventId, Pdu> copy = Map.copyOf(events);
        return copy::get;
    }
}
