package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.auth.AuthRules;
import dev.starling.protocol.auth.PowerLevels;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.http.MatrixException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * Who may redact what, for a redaction a local user sends (Client-Server API § Redactions, {@code PUT
 * /redact}): anyone allowed to send {@code m.room.redaction} (the auth rules) may redact their own events;
 * redacting other users' events needs the room's {@code redact} level. As in Synapse: a user with that level
 * may name an event this server does not know (it is applied if the event arrives); without it the event must
 * exist in the room (404 otherwise — an event of another room counts as missing, so nothing can be probed)
 * and be the user's own (403). The create event and {@code m.room.server_acl} cannot be redacted (403).
 * Checked under the room's lock against the draft's state; {@link AuthRules#checkRedaction} then applies the
 * room version's "handling redactions" rule to the built event.
 */
final class Redactions {
    private static final StateKey POWER_LEVELS = new StateKey(EventTypes.POWER_LEVELS, "");

    private Redactions() {}

    /** The event a redaction request names ({@code content.redacts}, as the builder takes it). */
    static EventId target(EventBuilder.Request request) {
        JsonNode redacts = request.content().get("redacts");
        if (redacts == null || !redacts.isTextual()) {
            throw MatrixException.badJson("a redaction needs content.redacts, the ID of the event to redact");
        }
        try {
            return EventId.parse(redacts.textValue());
        } catch (InvalidIdentifierException e) {
            throw MatrixException.badJson("content.redacts is not an event ID: " + e.getMessage());
        }
    }

    /**
     * Checks a redaction about to be built on {@code draft}; returns the redacted event when this server has
     * it in the room.
     */
    static Optional<Pdu> check(Connection c, RoomDraft draft, EventBuilder.Request request) throws SQLException {
        EventId target = target(request);
        Optional<Pdu> original = EventStore.event(c, target.value()).map(StoredEvent::pdu)
                .filter(event -> draft.roomId().map(event.roomId()::equals).orElse(false));
        if (original.isPresent() && (original.get().isCreateEvent()
                || original.get().type().equals("m.room.server_acl"))) {
            throw MatrixException.forbidden("redacting " + original.get().type() + " events is not permitted");
        }
        if (mayRedactOthers(draft.state(), request.sender())) {
            return original;
        }
        if (original.isEmpty()) {
            throw MatrixException.notFound("event not found");
        }
        if (!original.get().sender().equals(request.sender())) {
            throw MatrixException.forbidden("redacting other users' events needs the room's redact power level");
        }
        return original;
    }

    /** After building: the room version's rule for applying a redaction to {@code original}. */
    static void checkBuilt(Pdu redaction, Optional<Pdu> original, Map<StateKey, Pdu> state) {
        original.ifPresent(event -> AuthRules.checkRedaction(redaction, event, state));
    }

    /** Whether the user's power level reaches the room's {@code redact} level (room creators included). */
    static boolean mayRedactOthers(Map<StateKey, Pdu> state, UserId user) {
        Pdu create = state.get(RoomStore.CREATE);
        RoomVersion version = create.roomVersion();
        if (version.privilegedCreators() && isCreator(create, user)) {
            return true; // v12: creators have infinite power
        }
        Pdu powerLevels = state.get(POWER_LEVELS);
        if (powerLevels == null) {
            // Without m.room.power_levels the creator has 100 (before v12), everyone else 0; redact is 50.
            return !version.privilegedCreators() && user.value().equals(legacyCreator(create));
        }
        PowerLevels levels = PowerLevels.fromContent(powerLevels.content());
        return levels.userLevel(user) >= levels.redact();
    }

    private static boolean isCreator(Pdu create, UserId user) {
        if (create.sender().equals(user)) {
            return true;
        }
        for (JsonNode entry : create.content().path("additional_creators")) {
            if (entry.isTextual() && entry.textValue().equals(user.value())) {
                return true;
            }
        }
        return false;
    }

    private static String legacyCreator(Pdu create) {
        return create.roomVersion().creatorIsSender() ? create.sender().value()
                : create.content().path("creator").asText(null);
    }
}
