package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.auth.AuthException;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code POST /createRoom} (Client-Server API § Creation): every event of the new room is built and
 * authorised in memory, in the spec's order, then all are persisted in one transaction; an event the auth
 * rules refuse (say, an {@code initial_state} entry) is 400 M_INVALID_ROOM_STATE and nothing is stored.
 */
final class RoomCreation {
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private final ServerName serverName;
    private final EventSender sender;
    private final Predicate<UserId> localUserExists;
    private final SecureRandom random;

    RoomCreation(ServerName serverName, EventSender sender, Predicate<UserId> localUserExists, SecureRandom random) {
        this.serverName = serverName;
        this.sender = sender;
        this.localUserExists = localUserExists;
        this.random = random;
    }

    RoomId create(UserId creator, CreateRoomRequest request) {
        for (UserId invitee : request.invite()) {
            // NOTSPEC: invites over federation come with federation.
            if (!invitee.server().equals(serverName)) {
                throw MatrixException.invalidParam("invite", "users on other servers cannot be invited yet: " + invitee);
            }
            if (!localUserExists.test(invitee)) {
                throw MatrixException.invalidParam("invite", "no such user " + invitee);
            }
        }
        RoomVersion version = request.version();
        RoomDraft draft = RoomDraft.newRoom(version, version.roomIdIsCreateEventHash() ? null : randomRoomId());
        List<Pdu> events = new ArrayList<>();
        try {
            // 1. create, 2. the creator's join, 3. power levels
            add(draft, events, creator, EventTypes.CREATE, "", createContent(creator, request));
            add(draft, events, creator, EventTypes.MEMBER, creator.value(), membership("join"));
            add(draft, events, creator, EventTypes.POWER_LEVELS, "", powerLevels(creator, request));
            // 4. canonical alias: refused by CreateRoomRequest until aliases exist.
            // 5. the preset's events, unless initial_state sets the same key (it takes precedence)
            Set<StateKey> initialKeys = new LinkedHashSet<>();
            request.initialState().forEach(s -> initialKeys.add(new StateKey(s.type(), s.stateKey())));
            boolean publicChat = request.preset() == CreateRoomRequest.Preset.PUBLIC_CHAT;
            addPreset(draft, events, creator, initialKeys, EventTypes.JOIN_RULES, "join_rule", publicChat ? "public" : "invite");
            addPreset(draft, events, creator, initialKeys, EventTypes.HISTORY_VISIBILITY, "history_visibility", "shared");
            addPreset(draft, events, creator, initialKeys, "m.room.guest_access", "guest_access",
                    publicChat ? "forbidden" : "can_join");
            // 6. initial_state, in order, except what name and topic override
            for (CreateRoomRequest.InitialState state : request.initialState()) {
                boolean overridden = state.stateKey().isEmpty()
                        && ((state.type().equals(EventTypes.NAME) && request.name().isPresent())
                        || (state.type().equals(EventTypes.TOPIC) && request.topic().isPresent()));
                if (state.type().equals(EventTypes.CREATE)) {
                    throw new MatrixException(ErrorCode.M_INVALID_ROOM_STATE, "initial_state cannot hold m.room.create");
                }
                if (!overridden) {
                    add(draft, events, creator, state.type(), state.stateKey(), state.content());
                }
            }
            // 7. name and topic
            if (request.name().isPresent()) {
                add(draft, events, creator, EventTypes.NAME, "", object().put("name", request.name().get()));
            }
            if (request.topic().isPresent()) {
                ObjectNode topic = object().put("topic", request.topic().get());
                topic.putObject("m.topic").putArray("m.text").addObject()
                        .put("body", request.topic().get()).put("mimetype", "text/plain");
                add(draft, events, creator, EventTypes.TOPIC, "", topic);
            }
            // 8. invites
            for (UserId invitee : request.invite()) {
                ObjectNode content = membership("invite");
                if (request.isDirect()) {
                    content.put("is_direct", true);
                }
                add(draft, events, creator, EventTypes.MEMBER, invitee.value(), content);
            }
        } catch (AuthException e) {
            throw new MatrixException(ErrorCode.M_INVALID_ROOM_STATE, "the requested room state is not allowed: "
                    + e.getMessage());
        }
        sender.persistNewRoom(draft, events);
        return events.get(0).roomId();
    }

    private void add(RoomDraft draft, List<Pdu> events, UserId creator, String type, String stateKey,
            ObjectNode content) {
        Pdu event = sender.builder().build(draft, EventBuilder.Request.state(creator, type, stateKey, content));
        draft.apply(event);
        events.add(event);
    }

    private void addPreset(RoomDraft draft, List<Pdu> events, UserId creator, Set<StateKey> initialKeys, String type,
            String field, String value) {
        if (!initialKeys.contains(new StateKey(type, ""))) {
            add(draft, events, creator, type, "", object().put(field, value));
        }
    }

    private static ObjectNode createContent(UserId creator, CreateRoomRequest request) {
        RoomVersion version = request.version();
        ObjectNode content = request.creationContent().deepCopy();
        // The server overwrites creator and room_version (spec); v11 and later have no creator key.
        content.remove("creator");
        if (!version.creatorIsSender()) {
            content.put("creator", creator.value());
        }
        content.put("room_version", version.id());
        if (version.privilegedCreators() && request.preset() == CreateRoomRequest.Preset.TRUSTED_PRIVATE_CHAT
                && !request.invite().isEmpty()) {
            // v12: trusted_private_chat invitees become additional creators (spec, v1.16), deduplicated.
            Set<String> creators = new LinkedHashSet<>();
            JsonNode given = content.get("additional_creators");
            if (given != null && given.isArray()) {
                given.forEach(c -> creators.add(c.asText()));
            }
            request.invite().forEach(u -> creators.add(u.value()));
            ArrayNode array = content.putArray("additional_creators");
            creators.forEach(array::add);
        }
        return content;
    }

    /**
     * The default power levels (as Synapse sets them), the preset's changes, then the client's override key by
     * key. Before v12 the creator (and trusted_private_chat invitees) get 100; in v12 creators have infinite
     * power and may not be listed, and m.room.tombstone must need more than state_default (spec, v1.16).
     */
    private static ObjectNode powerLevels(UserId creator, CreateRoomRequest request) {
        RoomVersion version = request.version();
        ObjectNode content = object();
        ObjectNode users = content.putObject("users");
        if (!version.privilegedCreators()) {
            users.put(creator.value(), 100);
            if (request.preset() == CreateRoomRequest.Preset.TRUSTED_PRIVATE_CHAT) {
                request.invite().forEach(u -> users.put(u.value(), 100));
            }
        }
        content.put("users_default", 0);
        ObjectNode events = content.putObject("events");
        events.put("m.room.name", 50);
        events.put("m.room.power_levels", 100);
        events.put("m.room.history_visibility", 100);
        events.put("m.room.canonical_alias", 50);
        events.put("m.room.avatar", 50);
        events.put("m.room.tombstone", version.privilegedCreators() ? 150 : 100);
        events.put("m.room.server_acl", 100);
        events.put("m.room.encryption", 100);
        content.put("events_default", 0);
        content.put("state_default", 50);
        content.put("ban", 50);
        content.put("kick", 50);
        content.put("redact", 50);
        content.put("invite", request.preset() == CreateRoomRequest.Preset.PUBLIC_CHAT ? 50 : 0);
        content.putObject("notifications").put("room", 50);
        request.powerLevelOverride().fields().forEachRemaining(f -> content.set(f.getKey(), f.getValue().deepCopy()));
        return content;
    }

    private RoomId randomRoomId() {
        StringBuilder opaque = new StringBuilder("!");
        for (int i = 0; i < 18; i++) {
            opaque.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        }
        return RoomId.parse(opaque + ":" + serverName.value());
    }

    static ObjectNode membership(String membership) {
        return object().put("membership", membership);
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
