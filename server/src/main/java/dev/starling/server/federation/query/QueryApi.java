package dev.starling.server.federation.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomAlias;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.aliases.AliasesApi;
import dev.starling.server.federation.sender.Destinations;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.keys.FederatedKeys;
import dev.starling.server.profile.Profile;
import dev.starling.server.profile.ProfileStore;
import dev.starling.server.storage.Database;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Server-Server API's queries about this server's users and aliases: profiles, the room directory, device
 * lists and E2EE keys. Each answers only for local users and aliases (another server's user is 400
 * M_INVALID_PARAM, as Synapse; a local user who does not exist is 404 where the spec says so).
 */
public final class QueryApi {
    private static final Logger LOG = LoggerFactory.getLogger(QueryApi.class);

    private final ServerName self;
    private final Database db;
    private final ProfileStore profiles;
    private final Predicate<UserId> localUserExists;
    private final FederatedKeys keys;

    public QueryApi(ServerName self, Database db, ProfileStore profiles, Predicate<UserId> localUserExists,
            FederatedKeys keys) {
        this.self = self;
        this.db = db;
        this.profiles = profiles;
        this.localUserExists = localUserExists;
        this.keys = keys;
    }

    /** GET /_matrix/federation/v1/query/profile — Server-Server API § Querying for information (profile). */
    public MatrixResponse profile(MatrixRequest request) {
        ServerName origin = request.requireOrigin();
        UserId user = localUser(request.queryParam("user_id").orElseThrow(() -> MatrixException.missingParam("user_id")),
                "user_id");
        String field = request.queryParam("field").orElse(null);
        if (field != null && !field.equals("displayname") && !field.equals("avatar_url")) {
            throw MatrixException.invalidParam("field", "must be displayname or avatar_url");
        }
        if (!localUserExists.test(user)) {
            throw MatrixException.notFound("no such user");
        }
        Profile profile = profiles.get(user);
        ObjectNode out = profile.toJson();
        if (field != null) {
            out.retain(field);
        }
        LOG.debug("profile queried origin={} user_id={}", origin, user);
        return MatrixResponse.ok(out);
    }

    /** GET /_matrix/federation/v1/query/directory — Server-Server API § Querying for information (directory). */
    public MatrixResponse directory(MatrixRequest request) {
        request.requireOrigin();
        String raw = request.queryParam("room_alias").orElseThrow(() -> MatrixException.missingParam("room_alias"));
        RoomAlias alias;
        try {
            alias = RoomAlias.parse(raw);
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam("room_alias", "not a room alias");
        }
        if (!alias.server().equals(self)) {
            throw MatrixException.invalidParam("room_alias", "not an alias of this server");
        }
        RoomId roomId = AliasesApi.localBinding(db, alias)
                .orElseThrow(() -> MatrixException.notFound("room alias " + alias + " not found"));
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("room_id", roomId.value());
        var servers = out.putArray("servers");
        servers.add(self.value());
        db.read(c -> Destinations.inRoom(c, roomId.value(), self)).forEach(s -> servers.add(s.value()));
        return MatrixResponse.ok(out);
    }

    /** GET /_matrix/federation/v1/user/devices/{userId} — Server-Server API § Device Management. */
    public MatrixResponse devices(MatrixRequest request) {
        request.requireOrigin();
        UserId user = localUser(request.pathParam("userId"), "userId");
        return MatrixResponse.ok(keys.userDevices(user));
    }

    /** POST /_matrix/federation/v1/user/keys/query — Server-Server API § End-to-End Encryption. */
    public MatrixResponse keysQuery(MatrixRequest request) {
        request.requireOrigin();
        JsonNode wanted = request.jsonBody().get("device_keys");
        if (!(wanted instanceof ObjectNode deviceKeys)) {
            throw MatrixException.badJson("device_keys must be an object");
        }
        return MatrixResponse.ok(keys.query(deviceKeys));
    }

    /** POST /_matrix/federation/v1/user/keys/claim — Server-Server API § End-to-End Encryption. */
    public MatrixResponse keysClaim(MatrixRequest request) {
        request.requireOrigin();
        JsonNode wanted = request.jsonBody().get("one_time_keys");
        if (!(wanted instanceof ObjectNode oneTimeKeys)) {
            throw MatrixException.badJson("one_time_keys must be an object");
        }
        return MatrixResponse.ok(keys.claim(oneTimeKeys));
    }

    private UserId localUser(String raw, String param) {
        UserId user;
        try {
            user = UserId.parse(raw);
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam(param, "not a user ID");
        }
        if (!user.server().equals(self)) {
            throw MatrixException.invalidParam(param, "not a user of this server");
        }
        return user;
    }
}
