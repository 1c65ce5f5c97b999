package dev.starling.protocol.stateres;

import dev.starling.protocol.auth.AuthException;
import dev.starling.protocol.auth.AuthRules;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import java.util.Map;

/**
 * The authorization rules as state resolution uses them: allow the event against a state, or throw
 * {@link AuthException}. Production code uses {@link AuthRules#check}; tests may inject another.
 */
@FunctionalInterface
interface AuthCheck {
    AuthCheck RULES = AuthRules::check;

    void check(Pdu event, Map<StateKey, Pdu> state) throws AuthException;
}
