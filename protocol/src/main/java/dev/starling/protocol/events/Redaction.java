package dev.starling.protocol.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.Set;

/**
 * The redaction algorithm (spec: "Redactions", per room version). The result is what is hashed for the
 * reference hash, what is signed, and what remains of an event whose content hash does not match or that was
 * redacted. The input is never modified.
 */
public final class Redaction {
    private static final Set<String> TOP_LEVEL_V11 = Set.of(
            "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
            "prev_events", "auth_events", "origin_server_ts");
    private static final Set<String> TOP_LEVEL_V10 = Set.of(
            "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
            "prev_events", "auth_events", "origin_server_ts", "origin", "membership", "prev_state");

    private static final Set<String> POWER_LEVELS_V10 = Set.of(
            "ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default");
    private static final Set<String> POWER_LEVELS_V11 = Set.of(
            "ban", "events", "events_default", "invite", "kick", "redact", "state_default", "users",
            "users_default");

    private Redaction() {}

    /** Returns the redacted copy of an event in the given room version. */
    public static ObjectNode redact(ObjectNode event, RoomVersion version) {
        boolean v11 = version.redactionRules() == RoomVersion.RedactionRules.V11;
        Set<String> keepTop = v11 ? TOP_LEVEL_V11 : TOP_LEVEL_V10;
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        event.fields().forEachRemaining(field -> {
            if (keepTop.contains(field.getKey())) {
                out.set(field.getKey(), field.getValue().deepCopy());
            }
        });
        JsonNode content = event.get("content");
        JsonNode type = event.get("type");
        out.set("content", content instanceof ObjectNode object && type != null && type.isTextual()
                ? redactContent(type.textValue(), object, v11)
                : JsonNodeFactory.instance.objectNode());
        return out;
    }

    private static ObjectNode redactContent(String type, ObjectNode content, boolean v11) {
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        switch (type) {
            case EventTypes.MEMBER -> {
                copy(content, kept, "membership");
                copy(content, kept, "join_authorised_via_users_server");
                // v11+: "the signed key of the third_party_invite key". Synapse and ruma keep the (emptied)
                // object even when it has no "signed"; we match them so that event IDs agree.
                if (v11 && content.get("third_party_invite") instanceof ObjectNode invite) {
                    ObjectNode keptInvite = kept.putObject("third_party_invite");
                    if (invite.has("signed")) {
                        keptInvite.set("signed", invite.get("signed").deepCopy());
                    }
                }
            }
            case EventTypes.CREATE -> {
                if (v11) {
                    return content.deepCopy();
                }
                copy(content, kept, "creator");
            }
            case EventTypes.JOIN_RULES -> {
                copy(content, kept, "join_rule");
                copy(content, kept, "allow");
            }
            case EventTypes.POWER_LEVELS -> {
                for (String key : v11 ? POWER_LEVELS_V11 : POWER_LEVELS_V10) {
                    copy(content, kept, key);
                }
            }
            case EventTypes.HISTORY_VISIBILITY -> copy(content, kept, "history_visibility");
            case EventTypes.REDACTION -> {
                if (v11) {
                    copy(content, kept, "redacts");
                }
            }
            default -> {
                // Every other event type loses its whole content.
            }
        }
        return kept;
    }

    private static void copy(ObjectNode from, ObjectNode to, String key) {
        JsonNode value = from.get(key);
        if (value != null) {
            to.set(key, value.deepCopy());
        }
    }
}
