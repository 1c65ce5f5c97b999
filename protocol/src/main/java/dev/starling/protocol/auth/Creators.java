package dev.starling.protocol.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.UserId;

/** Who created a room, per room version (spec: Room Versions 10, 11, 12, "Authorisation rules"). */
final class Creators {
    private Creators() {}

    /**
     * The creator whose first join needs no join rule and who has 100 without a power-levels event:
     * {@code content.creator} in v10, the create event's sender from v11 (null when a v10 create has no
     * usable {@code creator}, which rule 1 refuses anyway).
     */
    static String legacyCreator(Pdu create) {
        if (create.roomVersion().creatorIsSender()) {
            return create.sender().value();
        }
        JsonNode creator = create.content().get("creator");
        return creator != null && creator.isTextual() ? creator.textValue() : null;
    }

    /** v12: the sender of the create event or one of its {@code additional_creators}. */
    static boolean isCreator(Pdu create, UserId user) {
        return isCreator(create, user.value());
    }

    static boolean isCreator(Pdu create, String user) {
        if (create.sender().value().equals(user)) {
            return true;
        }
        JsonNode additional = create.content().get("additional_creators");
        if (additional != null && additional.isArray()) {
            for (JsonNode entry : additional) {
                if (entry.isTextual() && entry.textValue().equals(user)) {
                    return true;
                }
            }
        }
        return false;
    }
}
