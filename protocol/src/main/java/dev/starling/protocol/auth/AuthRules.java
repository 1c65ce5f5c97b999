package dev.starling.protocol.auth;

import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import java.util.List;
import java.util.Map;

/**
 * The authorization rules for room versions 10, 11 and 12 (spec: Room Versions, "Authorization rules").
 *
 * <p>STUB: signatures fixed, body to be written.
 */
public final class AuthRules {
    private AuthRules() {}

    /**
     * Checks an event against a room state (the state given by its auth events, the state before it, or the
     * current state). Returns normally when the event is allowed.
     *
     * @param event the event to check
     * @param state the state to check it against, by {@code (type, state_key)}; entries not relevant to the
     *     event are ignored
     * @throws AuthException naming the rule the event breaks
     */
    public static void check(Pdu event, Map<StateKey, Pdu> state) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The state keys whose current values an event of this shape should list as auth events (spec: Server-Server
     * API, "Auth events selection"). In room version 12 the create event is not included.
     */
    public static List<StateKey> authEventKeys(Pdu event) {
        throw new UnsupportedOperationException("not yet");
    }
}
