package dev.starling.protocol.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import java.util.Map;

/** One auth check: the event, the state it is checked against, and what the rules read from that state. */
final class AuthContext {
    static final String JOIN = "join";
    static final String INVITE = "invite";
    static final String LEAVE = "leave";
    static final String BAN = "ban";
    static final String KNOCK = "knock";

    private static final StateKey POWER_LEVELS = new StateKey(EventTypes.POWER_LEVELS, "");
    private static final StateKey JOIN_RULES = new StateKey(EventTypes.JOIN_RULES, "");

    final Pdu event;
    final Map<StateKey, Pdu> state;
    final Pdu create;
    final Pdu powerLevelsEvent;
    final Levels levels;

    AuthContext(Pdu event, Map<StateKey, Pdu> state, Pdu create) {
        this.event = event;
        this.state = state;
        this.create = create;
        this.powerLevelsEvent = state.get(POWER_LEVELS);
        this.levels = new Levels(powerLevelsEvent, create);
    }

    /** A user's current membership; a user with no member event (or a malformed one) counts as {@code leave}. */
    String membership(String userId) {
        Pdu member = state.get(new StateKey(EventTypes.MEMBER, userId));
        return member == null ? LEAVE : membershipOf(member);
    }

    static String membershipOf(Pdu member) {
        JsonNode membership = member.content().get("membership");
        return membership != null && membership.isTextual() ? membership.textValue() : LEAVE;
    }

    /**
     * The current join rule. A room without {@code m.room.join_rules} is invite-only, as in the established
     * implementations (Synapse, Ruma); the spec's rules then reject a join by anyone not invited.
     */
    String joinRule() {
        Pdu rules = state.get(JOIN_RULES);
        if (rules == null) {
            return INVITE;
        }
        JsonNode rule = rules.content().get("join_rule");
        return rule != null && rule.isTextual() ? rule.textValue() : "";
    }

    long senderLevel() {
        return levels.user(event.sender());
    }
}
