package dev.starling.protocol.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * "Auth events selection" (spec: Server-Server API) and the rules on an event's own {@code auth_events}
 * (Room Versions 10/11 rule 2, 12 rule 3).
 */
final class AuthEventSelection {
    static final StateKey CREATE = new StateKey(EventTypes.CREATE, "");
    static final StateKey POWER_LEVELS = new StateKey(EventTypes.POWER_LEVELS, "");
    static final StateKey JOIN_RULES = new StateKey(EventTypes.JOIN_RULES, "");

    private AuthEventSelection() {}

    static List<StateKey> keys(RoomVersion version, String type, UserId sender, String stateKey, ObjectNode content) {
        if (EventTypes.CREATE.equals(type) && "".equals(stateKey)) {
            return List.of();
        }
        Set<StateKey> keys = new LinkedHashSet<>();
        // v12: the room ID stands for the create event, which must not be selected.
        if (!version.roomIdIsCreateEventHash()) {
            keys.add(CREATE);
        }
        keys.add(POWER_LEVELS);
        keys.add(member(sender.value()));
        if (EventTypes.MEMBER.equals(type) && stateKey != null) {
            keys.add(member(stateKey));
            JsonNode membershipNode = content.get("membership");
            String membership = membershipNode != null && membershipNode.isTextual() ? membershipNode.textValue() : "";
            if (membership.equals(AuthContext.JOIN) || membership.equals(AuthContext.INVITE)
                    || membership.equals(AuthContext.KNOCK)) {
                keys.add(JOIN_RULES);
            }
            if (membership.equals(AuthContext.INVITE)) {
                JsonNode token = content.path("third_party_invite").path("signed").path("token");
                if (content.has("third_party_invite") && token.isTextual()) {
                    keys.add(new StateKey(EventTypes.THIRD_PARTY_INVITE, token.textValue()));
                }
            }
            // Every supported version (10+) supports restricted rooms.
            String authoriser = MembershipRules.joinAuthoriser(content);
            if (membership.equals(AuthContext.JOIN) && authoriser != null) {
                keys.add(member(authoriser));
            }
        }
        return List.copyOf(keys);
    }

    static void check(Pdu event, Collection<Pdu> authEvents) {
        if (event.isCreateEvent()) {
            return; // rule 1 decides on create events; their auth_events are not consulted
        }
        Map<EventId, Pdu> byId = new HashMap<>();
        for (Pdu pdu : authEvents) {
            byId.put(pdu.eventId(), pdu);
        }
        Set<StateKey> allowed = new HashSet<>(keys(event.roomVersion(), event.type(), event.sender(),
                event.stateKey().orElse(null), event.content()));
        Set<StateKey> seen = new HashSet<>();
        for (EventId id : event.authEvents()) {
            Pdu auth = byId.get(id);
            if (auth == null) {
                throw new AuthException(AuthRule.AUTH_EVENTS, "auth event " + id + " is unknown or was rejected");
            }
            if (!auth.isState()) {
                throw new AuthException(AuthRule.AUTH_EVENTS, "auth event " + id + " is not a state event");
            }
            StateKey key = auth.stateTuple();
            // 2.1
            if (!seen.add(key)) {
                throw new AuthException(AuthRule.AUTH_EVENTS, "auth_events lists " + key + " twice");
            }
            // 2.2 (v12 3.2: the create event is never selected)
            if (!allowed.contains(key)) {
                throw new AuthException(AuthRule.AUTH_EVENTS, "auth_events may not list " + key
                        + (key.equals(CREATE) ? " in room version " + event.roomVersion().id() : " for this event"));
            }
            // 2.5
            if (!auth.roomId().equals(event.roomId())) {
                throw new AuthException(AuthRule.AUTH_EVENTS, "auth event " + id + " belongs to another room");
            }
        }
        // 2.4 (removed in v12, where the room ID names the create event)
        if (!event.roomVersion().roomIdIsCreateEventHash() && !seen.contains(CREATE)) {
            throw new AuthException(AuthRule.AUTH_EVENTS, "auth_events does not list the m.room.create event");
        }
    }

    static StateKey member(String userId) {
        return new StateKey(EventTypes.MEMBER, userId);
    }
}
