package dev.starling.server.aliases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomAlias;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.ErrorCode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.rooms.RoomAccess;
import dev.starling.server.storage.Database;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Room aliases (Client-Server API § Room aliases): binding, resolving and deleting local aliases, and a
 * room's list of local aliases. Remote aliases need a federation directory query: until federation, they
 * are 404 when resolved and 400 when created or deleted here.
 */
public final class AliasesApi {
    private static final Logger LOG = LoggerFactory.getLogger(AliasesApi.class);
    static final String CANONICAL_ALIAS = "m.room.canonical_alias";

    private final ServerName serverName;
    private final Database db;
    private final Clock clock;
    private final RoomAccess rooms;
    private final RemoteDirectory remote;

    public AliasesApi(ServerName serverName, Database db, Clock clock, RoomAccess rooms) {
        this(serverName, db, clock, rooms, RemoteDirectory.NONE);
    }

    /** @param remote how other servers' aliases are resolved (federation) */
    public AliasesApi(ServerName serverName, Database db, Clock clock, RoomAccess rooms, RemoteDirectory remote) {
        this.remote = java.util.Objects.requireNonNull(remote, "remote");
        this.serverName = serverName;
        this.db = db;
        this.clock = clock;
        this.rooms = rooms;
    }

    /**
     * PUT /_matrix/client/v3/directory/room/{roomAlias} — Client-Server API § Room aliases. Only a member of
     * the room may bind an alias to it (Synapse's default); an unknown room answers like one the user is
     * not in, so room IDs cannot be probed. A taken alias is 409 M_UNKNOWN (spec).
     */
    public MatrixResponse create(MatrixRequest request) {
        UserId user = request.requireDevice().userId();
        RoomAlias alias = localAlias(request);
        RoomId roomId = roomIdField(request.jsonBody());
        if (!rooms.membership(roomId, user).filter("join"::equals).isPresent()) {
            throw MatrixException.forbidden("you must be in room " + roomId + " to give it an alias");
        }
        boolean created = db.inTransaction(c -> AliasStore.create(c, alias, roomId, user, clock.millis()));
        if (!created) {
            throw new MatrixException(ErrorCode.M_UNKNOWN, "room alias " + alias + " already exists").withStatus(409);
        }
        LOG.info("room alias created room_alias={} room_id={} user_id={}", alias, roomId, user);
        return MatrixResponse.ok(object());
    }

    /** GET /_matrix/client/v3/directory/room/{roomAlias} — Client-Server API § Room aliases. */
    public MatrixResponse resolve(MatrixRequest request) {
        RoomAlias alias = request.pathParam("roomAlias", RoomAlias::parse);
        if (!alias.server().equals(serverName)) {
            // Server-Server API § Room aliases: the alias's server answers (GET /query/directory).
            RemoteDirectory.Resolved resolved = remote.resolve(alias)
                    .orElseThrow(() -> MatrixException.notFound("room alias " + alias + " not found"));
            ObjectNode out = object().put("room_id", resolved.roomId().value());
            resolved.servers().forEach(out.putArray("servers")::add);
            return MatrixResponse.ok(out);
        }
        Optional<AliasStore.Binding> binding = alias.server().equals(serverName)
                ? db.read(c -> AliasStore.get(c, alias)) : Optional.empty();
        if (binding.isEmpty()) {
            throw MatrixException.notFound("room alias " + alias + " not found");
        }
        ObjectNode out = object().put("room_id", binding.get().roomId().value());
        out.putArray("servers").add(serverName.value());
        return MatrixResponse.ok(out);
    }

    /**
     * DELETE /_matrix/client/v3/directory/room/{roomAlias} — Client-Server API § Room aliases. Allowed to the
     * alias's creator and to a member with the power to send {@code m.room.canonical_alias} (as Synapse);
     * others get 403. The alias is then removed from the room's canonical alias event, best effort (spec
     * note): if the user may not change that event, the alias is deleted all the same.
     */
    public MatrixResponse delete(MatrixRequest request) {
        UserId user = request.requireDevice().userId();
        RoomAlias alias = localAlias(request);
        AliasStore.Binding binding = db.read(c -> AliasStore.get(c, alias))
                .orElseThrow(() -> MatrixException.notFound("room alias " + alias + " not found"));
        RoomId roomId = binding.roomId();
        if (!binding.creator().equals(user) && !rooms.maySendState(user, roomId, CANONICAL_ALIAS, "")) {
            throw MatrixException.forbidden("only the alias's creator or a room admin may delete " + alias);
        }
        if (!db.inTransaction(c -> AliasStore.delete(c, alias))) {
            throw MatrixException.notFound("room alias " + alias + " not found");
        }
        LOG.info("room alias deleted room_alias={} room_id={} user_id={}", alias, roomId, user);
        removeFromCanonicalAlias(user, roomId, alias);
        return MatrixResponse.ok(object());
    }

    /** GET /_matrix/client/v3/rooms/{roomId}/aliases — Client-Server API § Room aliases: members, or anyone if world_readable. */
    public MatrixResponse roomAliases(MatrixRequest request) {
        UserId user = request.requireDevice().userId();
        RoomId roomId = request.pathParam("roomId", RoomId::parse);
        boolean member = rooms.membership(roomId, user).filter("join"::equals).isPresent();
        if (!member && !worldReadable(roomId)) {
            throw MatrixException.forbidden("you are not in room " + roomId);
        }
        ObjectNode out = object();
        ArrayNode aliases = out.putArray("aliases");
        db.read(c -> AliasStore.aliasesOf(c, roomId)).forEach(a -> aliases.add(a.value()));
        return MatrixResponse.ok(out);
    }

    private boolean worldReadable(RoomId roomId) {
        StateKey key = new StateKey(EventTypes.HISTORY_VISIBILITY, "");
        return Optional.ofNullable(rooms.currentState(roomId, List.of(key)).get(key))
                .map(c -> c.path("history_visibility").asText()).filter("world_readable"::equals).isPresent();
    }

    private void removeFromCanonicalAlias(UserId user, RoomId roomId, RoomAlias alias) {
        StateKey key = new StateKey(CANONICAL_ALIAS, "");
        Map<StateKey, ObjectNode> state = rooms.currentState(roomId, List.of(key));
        ObjectNode content = state.get(key);
        if (content == null) {
            return;
        }
        ObjectNode updated = content.deepCopy();
        boolean changed = false;
        if (alias.value().equals(updated.path("alias").asText(null))) {
            updated.remove("alias");
            changed = true;
        }
        if (updated.get("alt_aliases") instanceof ArrayNode alt) {
            for (int i = alt.size() - 1; i >= 0; i--) {
                if (alias.value().equals(alt.get(i).asText(null))) {
                    alt.remove(i);
                    changed = true;
                }
            }
        }
        if (!changed) {
            return;
        }
        try {
            rooms.sendState(user, roomId, CANONICAL_ALIAS, "", updated);
        } catch (RuntimeException e) {
            LOG.info("canonical alias not updated after alias deletion room_id={} room_alias={} reason={}", roomId,
                    alias, e.getMessage());
        }
    }

    private RoomAlias localAlias(MatrixRequest request) {
        RoomAlias alias = request.pathParam("roomAlias", RoomAlias::parse);
        if (!alias.server().equals(serverName)) {
            throw MatrixException.invalidParam("roomAlias", "room alias must be on this server (" + serverName + ")");
        }
        return alias;
    }

    private static RoomId roomIdField(ObjectNode body) {
        JsonNode node = body.get("room_id");
        if (node == null || node.isNull()) {
            throw MatrixException.missingParam("room_id");
        }
        if (!node.isTextual()) {
            throw MatrixException.badJson("room_id must be a string");
        }
        try {
            return RoomId.parse(node.textValue());
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam("room_id", e.getMessage());
        }
    }

    /** The room a local alias is bound to, if any (for federation's {@code /query/directory}). */
    public static Optional<RoomId> localBinding(Database db, RoomAlias alias) {
        return db.read(c -> AliasStore.get(c, alias)).map(AliasStore.Binding::roomId);
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
