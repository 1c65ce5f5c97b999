package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.Set;

/**
 * Turning a remote server's make_join / make_leave template into the event we sign (SECURITY.md item 17,
 * CVE-2026-24471): the template must be an {@code m.room.member} of the expected membership for our user in
 * the expected room, with no field outside the spec's template and no content we did not choose. Only
 * {@code prev_events}, {@code auth_events} and {@code depth} are taken from it (and, for a restricted join,
 * {@code join_authorised_via_users_server}); everything else is ours. A template that breaks any of this is
 * refused whole: nothing is signed.
 */
final class Templates {
    /** Top-level fields a template may carry (Server-Server API § make_join, make_leave responses). */
    private static final Set<String> FIELDS = Set.of("type", "sender", "state_key", "room_id", "content",
            "prev_events", "auth_events", "depth", "origin", "origin_server_ts");

    private Templates() {}

    /** The template was refused; the message says why. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Builds, hashes and signs our member event from {@code answer} ({room_version, event}).
     *
     * @param ownContent the content we put in (membership and our profile)
     */
    static Pdu fill(ObjectNode answer, RoomId roomId, UserId user, String membership, ObjectNode ownContent,
            ServerName us, SigningKey key, long nowMillis) {
        RoomVersion version = version(answer);
        JsonNode node = answer.get("event");
        if (!(node instanceof ObjectNode template)) {
            throw new Refused("the answer has no event template");
        }
        template.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                throw new Refused("the template carries a field a template may not carry: " + field);
            }
        });
        expect(template, "type", EventTypes.MEMBER);
        expect(template, "sender", user.value());
        expect(template, "state_key", user.value());
        expect(template, "room_id", roomId.value());
        JsonNode content = template.get("content");
        if (!(content instanceof ObjectNode templateContent)) {
            throw new Refused("the template has no content object");
        }
        ObjectNode ours = JsonNodeFactory.instance.objectNode();
        ours.setAll(ownContent);
        ours.put("membership", membership);
        templateContent.fieldNames().forEachRemaining(field -> {
            if (field.equals("membership")) {
                return;
            }
            if (field.equals("join_authorised_via_users_server") && membership.equals("join")) {
                JsonNode authoriser = templateContent.get(field);
                try {
                    ours.put(field, UserId.parse(authoriser.isTextual() ? authoriser.textValue() : "").value());
                    return;
                } catch (InvalidIdentifierException e) {
                    throw new Refused("join_authorised_via_users_server is not a user ID");
                }
            }
            throw new Refused("the template's content carries a field we did not choose: " + field);
        });
        expect(templateContent, "membership", membership);
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("type", EventTypes.MEMBER);
        event.put("sender", user.value());
        event.put("state_key", user.value());
        event.put("room_id", roomId.value());
        event.set("content", ours);
        for (String field : new String[] {"prev_events", "auth_events", "depth"}) {
            JsonNode value = template.get(field);
            if (value == null) {
                throw new Refused("the template has no " + field);
            }
            event.set(field, value.deepCopy());
        }
        event.put("origin_server_ts", nowMillis);
        try {
            // Pdu.fromJson checks the copied fields' types and limits (event IDs, ≤ 20 prev, ≤ 10 auth, depth).
            return Pdu.fromJson(EventSigning.sign(event, version, us, key), version);
        } catch (RuntimeException e) {
            throw new Refused("the template does not make a valid event: " + e.getMessage());
        }
    }

    /** The template's room version, which we must support. */
    static RoomVersion version(ObjectNode answer) {
        JsonNode id = answer.get("room_version");
        if (id == null || !id.isTextual()) {
            throw new Refused("the answer has no room_version");
        }
        try {
            return RoomVersion.fromId(id.textValue());
        } catch (RuntimeException e) {
            throw new Refused("room version " + id.textValue() + " is not supported here");
        }
    }

    private static void expect(ObjectNode template, String field, String value) {
        JsonNode node = template.get(field);
        if (node == null || !node.isTextual() || !node.textValue().equals(value)) {
            throw new Refused("the template's " + field + " is not " + value);
        }
    }
}
