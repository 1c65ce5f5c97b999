package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.auth.AuthException;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomAlias;
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
import java.util.Optional;
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
    private final DirectoryHooks directory;
    private final RemoteInvites remoteInvites;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RoomCreation.class);

    RoomCreation(ServerName serverName, EventSender sender, Predicate<UserId> localUserExists, SecureRandom random,
            DirectoryHooks directory, RemoteInvites remoteInvites) {
        this.remoteInvites = remoteInvites;
        this.serverName = serverName;
        this.sender = sender;
        this.localUserExists = localUserExists;
        this.random = random;
        this.directory = directory;
    }

    RoomId create(UserId creator, CreateRoomRequest request) {
        for (UserId invitee : request.invite()) {
            // Users of other servers are invited over federation once the room exists (below).
            if (invitee.server().equals(serverName) && !localUserExists.test(invitee)) {
                throw MatrixException.invalidParam("invite", "no such user " + invitee);
            }
        }
        Optional<RoomAlias> alias = request.roomAliasName().map(this::alias);
        checkInitialCanonicalAlias(request, alias);
        RoomVersion version = request.version();
        RoomDraft draft = RoomDraft.newRoom(version, version.roomIdIsCreateEventHash() ? null : randomRoomId());
        List<Pdu> events = new ArrayList<>();
        try {
            // 1. create, 2. the creator's join, 3. power levels
            add(draft, events, creator, EventTypes.CREATE, "", createContent(creator, request));
            ObjectNode join = membership("join");
            join.setAll(directory.memberProfile(creator));
            add(draft, events, creator, EventTypes.MEMBER, creator.value(), join);
            add(draft, events, creator, EventTypes.POWER_LEVELS, "", powerLevels(creator, request));
            Set<StateKey> initialKeys = new LinkedHashSet<>();
            request.initialState().forEach(s -> initialKeys.add(new StateKey(s.type(), s.stateKey())));
            // 4. the canonical alias of room_alias_name, unless initial_state sets one
            if (alias.isPresent() && !initialKeys.contains(new StateKey(RoomsApi.CANONICAL_ALIAS, ""))) {
                add(draft, events, creator, RoomsApi.CANONICAL_ALIAS, "", object().put("alias", alias.get().value()));
            }
            // 5. the preset's events, unless initial_state sets the same key (it takes precedence)
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
                if (invitee.server().equals(serverName)) {
                    add(draft, events, creator, EventTypes.MEMBER, invitee.value(), inviteContent(request, invitee));
                }
            }
        } catch (AuthException e) {
            throw new MatrixException(ErrorCode.M_INVALID_ROOM_STATE, "the requested room state is not allowed: "
                    + e.getMessage());
        }
        RoomId roomId = events.get(0).roomId();
        // The alias and the directory entry commit with the room's events, or nothing does.
        sender.persistNewRoom(draft, events, c -> {
            if (alias.isPresent() && !directory.claimAlias(c, alias.get(), roomId, creator)) {
                throw new MatrixException(ErrorCode.M_ROOM_IN_USE, "room alias " + alias.get() + " is taken");
            }
            if (request.publish()) {
                directory.publish(c, roomId);
            }
            return null;
        });
        // The invitee's server must countersign each remote invite; one that fails leaves the room created
        // (as Synapse), and the creator can invite again.
        for (UserId invitee : request.invite()) {
            if (!invitee.server().equals(serverName)) {
                try {
                    remoteInvites.invite(creator, roomId, invitee, inviteContent(request, invitee));
                } catch (RuntimeException e) {
                    LOG.warn("remote invite at room creation failed room_id={} server={} error={}", roomId,
                            invitee.server(), e.getMessage());
                }
            }
        }
        return roomId;
    }

    private ObjectNode inviteContent(CreateRoomRequest request, UserId invitee) {
        ObjectNode content = membership("invite");
        if (invitee.server().equals(serverName)) {
            content.setAll(directory.memberProfile(invitee));
        }
        if (request.isDirect()) {
            content.put("is_direct", true);
        }
        return content;
    }

    /** {@code #room_alias_name:ourServer}, checked as a whole (400 M_INVALID_PARAM). */
    private RoomAlias alias(String localpart) {
        try {
            return RoomAlias.parse("#" + localpart + ":" + serverName.value());
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam("room_alias_name", e.getMessage());
        }
    }

    /**
     * An {@code m.room.canonical_alias} in {@code initial_state} may name only the alias this request creates:
     * no other alias can point to a room that does not exist yet (400 M_BAD_ALIAS, as Synapse answers).
     */
    private static void checkInitialCanonicalAlias(CreateRoomRequest request, Optional<RoomAlias> alias) {
        for (CreateRoomRequest.InitialState state : request.initialState()) {
            if (!state.type().equals(RoomsApi.CANONICAL_ALIAS) || !state.stateKey().isEmpty()) {
                continue;
            }
            List<JsonNode> named = new ArrayList<>();
            JsonNode main = state.content().get("alias");
            if (main != null && !main.isNull()) {
                named.add(main);
            }
            JsonNode alt = state.content().get("alt_aliases");
            if (alt != null && !alt.isNull()) {
                if (!alt.isArray()) {
                    throw MatrixException.invalidParam("alt_aliases", "must be a list of room aliases");
                }
                alt.forEach(named::add);
            }
            for (JsonNode name : named) {
                if (!name.isTextual()) {
                    throw MatrixException.invalidParam("alias", "room aliases are strings");
                }
                try {
                    RoomAlias.parse(name.textValue());
                } catch (InvalidIdentifierException e) {
                    throw MatrixException.invalidParam("alias", e.getMessage());
                }
                if (alias.isEmpty() || !alias.get().value().equals(name.textValue())) {
                    throw new MatrixException(ErrorCode.M_BAD_ALIAS,
                            "room alias " + name.textValue() + " does not point to the room");
                }
            }
        }
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
