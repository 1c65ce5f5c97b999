package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The body of {@code POST /createRoom}, checked (Client-Server API § Creation): wrong types are 400
 * M_BAD_JSON, an unknown room version 400 M_UNSUPPORTED_ROOM_VERSION, a bad user ID 400 M_INVALID_PARAM.
 */
record CreateRoomRequest(RoomVersion version, Preset preset, ObjectNode creationContent,
        List<InitialState> initialState, Optional<String> name, Optional<String> topic, List<UserId> invite,
        boolean isDirect, ObjectNode powerLevelOverride, Optional<String> roomAliasName, boolean publish) {

    enum Preset { PRIVATE_CHAT, TRUSTED_PRIVATE_CHAT, PUBLIC_CHAT }

    /** One entry of {@code initial_state}. */
    record InitialState(String type, String stateKey, ObjectNode content) {}

    static CreateRoomRequest parse(ObjectNode body) {
        RoomVersion version = text(body, "room_version").map(RoomVersion::fromId).orElse(RoomVersion.DEFAULT);
        Optional<String> visibility = text(body, "visibility");
        if (visibility.isPresent() && !visibility.get().equals("public") && !visibility.get().equals("private")) {
            throw MatrixException.invalidParam("visibility", "must be public or private");
        }
        Preset preset = text(body, "preset").map(p -> switch (p) {
            case "private_chat" -> Preset.PRIVATE_CHAT;
            case "trusted_private_chat" -> Preset.TRUSTED_PRIVATE_CHAT;
            case "public_chat" -> Preset.PUBLIC_CHAT;
            default -> throw MatrixException.invalidParam("preset", "unknown preset " + p);
        }).orElse("public".equals(visibility.orElse("private")) ? Preset.PUBLIC_CHAT : Preset.PRIVATE_CHAT);
        Optional<String> aliasName = text(body, "room_alias_name");
        aliasName.ifPresent(CreateRoomRequest::checkAliasName);
        // NOTSPEC: third-party invites come later; refusing is better than silently ignoring them.
        if (body.has("invite_3pid") && !(body.get("invite_3pid").isArray() && body.get("invite_3pid").isEmpty())) {
            throw new MatrixException(ErrorCode.M_UNKNOWN, "third-party invites are not supported yet");
        }
        List<InitialState> initial = new ArrayList<>();
        JsonNode states = body.get("initial_state");
        if (states != null && !states.isNull()) {
            if (!states.isArray()) {
                throw MatrixException.badJson("initial_state must be an array");
            }
            for (JsonNode state : states) {
                if (!(state instanceof ObjectNode entry)) {
                    throw MatrixException.badJson("initial_state entries must be objects");
                }
                String type = text(entry, "type").orElseThrow(() -> MatrixException.badJson("initial_state entries need a type"));
                String stateKey = text(entry, "state_key").orElse("");
                initial.add(new InitialState(type, stateKey, object(entry, "content")
                        .orElseThrow(() -> MatrixException.badJson("initial_state entries need a content object"))));
            }
        }
        LinkedHashSet<UserId> invite = new LinkedHashSet<>();
        JsonNode invites = body.get("invite");
        if (invites != null && !invites.isNull()) {
            if (!invites.isArray()) {
                throw MatrixException.badJson("invite must be an array of user IDs");
            }
            for (JsonNode user : invites) {
                if (!user.isTextual()) {
                    throw MatrixException.badJson("invite must be an array of user IDs");
                }
                try {
                    invite.add(UserId.parse(user.textValue()));
                } catch (InvalidIdentifierException e) {
                    throw MatrixException.invalidParam("invite", e.getMessage());
                }
            }
        }
        JsonNode direct = body.get("is_direct");
        if (direct != null && !direct.isNull() && !direct.isBoolean()) {
            throw MatrixException.badJson("is_direct must be true or false");
        }
        return new CreateRoomRequest(version, preset,
                object(body, "creation_content").orElseGet(JsonNodeFactory.instance::objectNode), List.copyOf(initial),
                text(body, "name"), text(body, "topic"), List.copyOf(invite), direct != null && direct.asBoolean(),
                object(body, "power_level_content_override").orElseGet(JsonNodeFactory.instance::objectNode),
                aliasName, visibility.filter("public"::equals).isPresent());
    }

    /**
     * {@code room_alias_name} is the localpart of a new alias (Client-Server API § Creation): no ':' (a whole
     * alias given by mistake) and no whitespace, as Synapse checks. {@link RoomCreation} checks the whole alias.
     */
    private static void checkAliasName(String name) {
        if (name.isEmpty() || name.contains(":") || name.chars().anyMatch(Character::isWhitespace)) {
            throw MatrixException.invalidParam("room_alias_name",
                    "a room alias localpart without ':' or whitespace, e.g. 'wombat', not '#wombat:example.org'");
        }
    }

    private static Optional<String> text(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw MatrixException.badJson(field + " must be a string");
        }
        return Optional.of(node.textValue());
    }

    private static Optional<ObjectNode> object(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!(node instanceof ObjectNode object)) {
            throw MatrixException.badJson(field + " must be an object");
        }
        return Optional.of(object.deepCopy());
    }
}
