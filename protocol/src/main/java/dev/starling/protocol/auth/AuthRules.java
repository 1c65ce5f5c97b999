package dev.starling.protocol.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The authorization rules for room versions 10, 11 and 12 (spec: Room Versions 10, 11, 12, "Authorisation
 * rules"; Server-Server API, "Checks performed on receipt of a PDU").
 *
 * <p>The rules split in two. {@link #checkAuthEvents} looks only at the event and its own
 * {@code auth_events} (duplicates, unexpected entries, the create event, foreign rooms); it is run once, when
 * the event is received. {@link #check} applies every rule that depends on a room state, and is run against
 * the state given by the auth events, the state before the event, and the current state (soft failure), and
 * by state resolution. To check an event against its auth events, call {@code checkAuthEvents} and then
 * {@code check} with those events keyed by {@code (type, state_key)}, plus the room's create event in v12.
 *
 * <p>Not done here: signatures, including the extra one a restricted join needs from the server of
 * {@code join_authorised_via_users_server} (rule 4.2), which
 * {@link dev.starling.protocol.crypto.EventSigning#requiredSigners} names for the signature step; and the
 * rejected-auth-event rule (2.3): pass only accepted events.
 */
public final class AuthRules {
    private AuthRules() {}

    /**
     * Checks an event against a room state. Returns normally when the event is allowed.
     *
     * @param event the event to check
     * @param state the state to check it against, by {@code (type, state_key)}. It must hold the room's
     *     {@code m.room.create} under {@code (m.room.create, "")} in every room version (in v12 it is not an
     *     auth event, but the room ID names it). Entries not relevant to the event are ignored; the map is
     *     only read, with a few lookups.
     * @throws AuthException naming the rule the event breaks
     */
    public static void check(Pdu event, Map<StateKey, Pdu> state) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(state, "state");
        // Rule 1
        if (EventTypes.CREATE.equals(event.type())) {
            CreateRules.check(event);
            return;
        }
        Pdu create = roomCreate(event, state);
        // Rule 3 (v12: 4)
        JsonNode federate = create.content().get("m.federate");
        if (federate != null && federate.isBoolean() && !federate.booleanValue()
                && !event.sender().server().equals(create.sender().server())) {
            throw new AuthException(AuthRule.FEDERATION, "the room is not federated and the sender is on "
                    + event.sender().server() + ", not the creator's server " + create.sender().server());
        }
        AuthContext ctx = new AuthContext(event, state, create);
        // Rule 4 (v12: 5)
        if (EventTypes.MEMBER.equals(event.type())) {
            MembershipRules.check(ctx);
            return;
        }
        // Rule 5 (v12: 6)
        String membership = ctx.membership(event.sender().value());
        if (!AuthContext.JOIN.equals(membership)) {
            throw new AuthException(AuthRule.SENDER_NOT_JOINED, "the sender's membership is " + membership);
        }
        long senderLevel = ctx.senderLevel();
        // Rule 6 (v12: 7)
        if (EventTypes.THIRD_PARTY_INVITE.equals(event.type())) {
            if (senderLevel < ctx.levels.invite()) {
                throw new AuthException(AuthRule.INSUFFICIENT_POWER, "sender level " + Levels.describe(senderLevel)
                        + " is below the invite level " + ctx.levels.invite());
            }
            return;
        }
        // Rule 7 (v12: 8)
        long required = ctx.levels.event(event.type(), event.isState());
        if (required > senderLevel) {
            throw new AuthException(AuthRule.INSUFFICIENT_POWER, event.type() + " needs level " + required
                    + "; the sender has " + Levels.describe(senderLevel));
        }
        // Rule 8 (v12: 9)
        String stateKey = event.stateKey().orElse(null);
        if (stateKey != null && stateKey.startsWith("@") && !stateKey.equals(event.sender().value())) {
            throw new AuthException(AuthRule.STATE_KEY_NOT_SENDER, "a state_key starting with '@' must be the sender");
        }
        // Rule 9 (v12: 10)
        if (EventTypes.POWER_LEVELS.equals(event.type())) {
            PowerLevelRules.check(ctx);
        }
    }

    /**
     * Checks the event's own {@code auth_events} (v10/v11 rule 2, v12 rule 3): each listed ID must be among
     * {@code authEvents} (pass only events that were accepted), at most one per {@code (type, state_key)},
     * only the keys {@link #authEventKeys(Pdu)} selects for this event, all in the event's room, and in v10 and
     * v11 the create event must be among them (in v12 it must not). Create events have no auth events to check.
     *
     * @throws AuthException with {@link AuthRule#AUTH_EVENTS}
     */
    public static void checkAuthEvents(Pdu event, Collection<Pdu> authEvents) {
        AuthEventSelection.check(Objects.requireNonNull(event, "event"), Objects.requireNonNull(authEvents, "authEvents"));
    }

    /**
     * The state keys whose current values an event should list as auth events (spec: Server-Server API,
     * "Auth events selection"); empty for the create event. In room version 12 the create event is not
     * included. Keys with no event in the current state are simply left out by the caller.
     */
    public static List<StateKey> authEventKeys(Pdu event) {
        return authEventKeys(event.roomVersion(), event.type(), event.sender(), event.stateKey().orElse(null),
                event.content());
    }

    /**
     * As {@link #authEventKeys(Pdu)}, for an event being built, before it has hashes or an ID.
     *
     * @param stateKey the state key, or null for a non-state event
     */
    public static List<StateKey> authEventKeys(RoomVersion version, String type, UserId sender, String stateKey,
            ObjectNode content) {
        return AuthEventSelection.keys(Objects.requireNonNull(version, "version"), Objects.requireNonNull(type, "type"),
                Objects.requireNonNull(sender, "sender"), stateKey, Objects.requireNonNull(content, "content"));
    }

    /**
     * Whether a redaction that passed the auth rules may be applied to the event it names (spec: Room
     * Versions, "Handling redactions"; since room version 3 this is not an auth rule): the sender has at least
     * the redact level, or is on the same server as the redacted event's sender.
     *
     * @param state the current room state, holding the create event
     * @throws AuthException with {@link AuthRule#REDACTION} when it may not be applied
     */
    public static void checkRedaction(Pdu redaction, Pdu redacted, Map<StateKey, Pdu> state) {
        if (!EventTypes.REDACTION.equals(redaction.type())
                || !redaction.redacts().map(redacted.eventId()::equals).orElse(false)) {
            throw new AuthException(AuthRule.REDACTION, "the redaction does not name event " + redacted.eventId());
        }
        if (!redaction.roomId().equals(redacted.roomId())) {
            throw new AuthException(AuthRule.REDACTION, "the redacted event is in another room");
        }
        if (redaction.sender().server().equals(redacted.sender().server())) {
            return;
        }
        if (!mayRedactAnySender(redaction, state)) {
            throw new AuthException(AuthRule.REDACTION,
                    "the sender is below the redact level and on another server than the redacted event's sender");
        }
    }

    /**
     * Whether the redaction's sender has at least the redact level in {@code state}, so that the redaction may
     * be applied to an event of any sender in its room ({@link #checkRedaction}, for a redacted event not yet
     * seen: without the level it may later be applied only to an event from the redaction sender's server).
     *
     * @param state the room state before the redaction, holding the create event
     * @throws AuthException when the state has no create event of the redaction's room
     */
    public static boolean mayRedactAnySender(Pdu redaction, Map<StateKey, Pdu> state) {
        AuthContext ctx = new AuthContext(redaction, state, roomCreate(redaction, state));
        return ctx.senderLevel() >= ctx.levels.redact();
    }

    /** The state's create event, which must be the one the event's room ID names (v12 rule 2). */
    private static Pdu roomCreate(Pdu event, Map<StateKey, Pdu> state) {
        Pdu create = state.get(AuthEventSelection.CREATE);
        if (create == null) {
            throw new AuthException(AuthRule.MISSING_CREATE, "the state has no m.room.create event");
        }
        // v12: the room ID is the create event's ID with '!' for '$'; before v12 both carry room_id.
        if (!create.roomId().equals(event.roomId()) || create.roomVersion() != event.roomVersion()) {
            throw new AuthException(AuthRule.ROOM_ID, "the event's room " + event.roomId()
                    + " is not the room of the create event " + create.eventId());
        }
        return create;
    }
}
