package dev.starling.protocol.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.protocol.rooms.UnsupportedRoomVersionException;
import java.util.Optional;

/** Rule 1, {@code m.room.create} (spec: Room Versions 10, 11 and 12, "Authorisation rules"). */
final class CreateRules {
    private CreateRules() {}

    static void check(Pdu create) {
        RoomVersion version = create.roomVersion();
        // The create event is the one with an empty state key; any other "m.room.create" would be a second
        // root in the room. NOTSPEC: rule 1 applies to every m.room.create and Synapse allows this one; we
        // refuse it (a second root can only split a room).
        if (!"".equals(create.stateKey().orElse(null))) {
            throw new AuthException(AuthRule.CREATE, "m.room.create must be a state event with an empty state_key");
        }
        // 1.1
        if (!create.prevEvents().isEmpty()) {
            throw new AuthException(AuthRule.CREATE, "m.room.create must have no prev_events");
        }
        // 1.2. In v12 the create event has no room_id at all (Pdu refuses one when parsing); its room ID is
        // derived from its own hash, so there is no domain to compare.
        if (!version.roomIdIsCreateEventHash()) {
            Optional<ServerName> roomServer = create.roomId().server();
            if (roomServer.isEmpty() || !roomServer.get().value().equals(create.sender().server().value())) {
                throw new AuthException(AuthRule.CREATE, "the room ID's server " + roomServer.map(ServerName::value).orElse("(none)")
                        + " is not the sender's server " + create.sender().server());
            }
        }
        checkRoomVersion(create, version);
        // v10 rule 1.4: the creator is named in content (v11 made the sender the creator).
        if (!version.creatorIsSender() && !create.content().has("creator")) {
            throw new AuthException(AuthRule.CREATE, "room version 10 m.room.create content needs a creator");
        }
        if (version.privilegedCreators()) {
            checkAdditionalCreators(create.content().get("additional_creators"));
        }
    }

    /**
     * 1.3: an unrecognised {@code room_version} is refused. We also refuse a version that differs from the one
     * the event is being checked under (a missing {@code room_version} means version 1): the create event
     * defines the room version, so a mismatch means the caller picked the wrong rules.
     */
    private static void checkRoomVersion(Pdu create, RoomVersion version) {
        JsonNode declared = create.content().get("room_version");
        if (declared == null) {
            throw new AuthException(AuthRule.CREATE, "content has no room_version, which means version 1, not "
                    + version.id());
        }
        if (!declared.isTextual()) {
            throw new AuthException(AuthRule.CREATE, "content.room_version must be a string");
        }
        RoomVersion named;
        try {
            named = RoomVersion.fromId(declared.textValue());
        } catch (UnsupportedRoomVersionException e) {
            throw new AuthException(AuthRule.CREATE, "content.room_version is not a recognised room version");
        }
        if (named != version) {
            throw new AuthException(AuthRule.CREATE, "content.room_version " + named.id()
                    + " does not match the room version " + version.id() + " the event is checked under");
        }
    }

    /** v12 rule 1.4: {@code additional_creators} is an array of strings that are each a valid user ID. */
    private static void checkAdditionalCreators(JsonNode additional) {
        if (additional == null) {
            return;
        }
        if (!additional.isArray()) {
            throw new AuthException(AuthRule.CREATE, "additional_creators must be an array of user IDs");
        }
        for (JsonNode entry : additional) {
            if (!entry.isTextual()) {
                throw new AuthException(AuthRule.CREATE, "additional_creators must contain only strings");
            }
            try {
                UserId.parse(entry.textValue());
            } catch (InvalidIdentifierException e) {
                throw new AuthException(AuthRule.CREATE, "additional_creators entry is not a valid user ID: " + e.getMessage());
            }
        }
    }
}
