package dev.starling.protocol.stateres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.auth.AuthException;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The iterative auth checks (spec: room version 2 state resolution, "Iterative auth checks"): apply each event
 * in order to the state if the authorization rules allow it against that state, else ignore it.
 *
 * <p>The state an event is checked against is its own (non-rejected) auth events, overridden by the entries
 * of the partially resolved state for the keys the auth rules look at. In room version 12 the create event is
 * not among the auth events, so it is added from the room ID: with v2.1's replay from the empty state it would
 * otherwise be missing.
 */
final class IterativeAuth {
    private static final StateKey CREATE = new StateKey(EventTypes.CREATE, "");
    private static final StateKey POWER_LEVELS = new StateKey(EventTypes.POWER_LEVELS, "");
    private static final StateKey JOIN_RULES = new StateKey(EventTypes.JOIN_RULES, "");

    private IterativeAuth() {}

    /** Applies the events in order to {@code state} (modified in place). */
    static void apply(List<EventId> sorted, Map<StateKey, EventId> state, Events events, AuthCheck rules) {
        for (EventId id : sorted) {
            Pdu event = events.get(id);
            if (events.isRejected(id)) {
                // Rejected against its own auth events: it can never be part of any state.
                continue;
            }
            try {
                rules.check(event, authState(event, state, events));
                state.put(event.stateTuple(), id);
            } catch (AuthException e) {
                // Not allowed against the state at this point of the resolution: ignored, as the spec says.
            }
        }
    }

    private static Map<StateKey, Pdu> authState(Pdu event, Map<StateKey, EventId> resolved, Events events) {
        Map<StateKey, Pdu> state = new HashMap<>();
        for (EventId authId : event.authEvents()) {
            Pdu auth = events.find(authId);
            if (auth != null && auth.isState() && !events.isRejected(authId)) {
                state.put(auth.stateTuple(), auth);
            }
        }
        for (StateKey key : authKeys(event)) {
            EventId current = resolved.get(key);
            if (current != null && !events.isRejected(current)) {
                state.put(key, events.get(current));
            }
        }
        if (!state.containsKey(CREATE)) {
            Pdu create = events.createEvent(event);
            if (create != null) {
                state.put(CREATE, create);
            }
        }
        return state;
    }

    /**
     * The state keys the authorization rules consult for this event (spec: Server-Server API, "Auth events
     * selection"): create, power levels and the sender's membership; for membership events also the target's
     * membership, the join rules (join, invite, knock), the third-party invite named by an invite's token, and
     * for a restricted join the membership of the authorising user.
     */
    static List<StateKey> authKeys(Pdu event) {
        List<StateKey> keys = new ArrayList<>(6);
        keys.add(CREATE);
        keys.add(POWER_LEVELS);
        keys.add(new StateKey(EventTypes.MEMBER, event.sender().value()));
        if (EventTypes.MEMBER.equals(event.type()) && event.isState()) {
            keys.add(new StateKey(EventTypes.MEMBER, event.stateKey().orElseThrow()));
            String membership = Events.membership(event);
            if ("join".equals(membership) || "invite".equals(membership) || "knock".equals(membership)) {
                keys.add(JOIN_RULES);
            }
            JsonNode token = event.content().path("third_party_invite").path("signed").get("token");
            if ("invite".equals(membership) && token != null && token.isTextual()) {
                keys.add(new StateKey(EventTypes.THIRD_PARTY_INVITE, token.textValue()));
            }
            JsonNode via = event.content().get("join_authorised_via_users_server");
            if ("join".equals(membership) && via != null && via.isTextual()) {
                keys.add(new StateKey(EventTypes.MEMBER, via.textValue()));
            }
        }
        return keys;
    }
}
