package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomAlias;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import java.util.Optional;

/** The HTTP side of room membership (Client-Server API § Room membership) and member lists. */
public final class MembershipApi {
    private final Membership membership;
    private final RoomReader reader;
    private final Forgetting forgetting;

    MembershipApi(Membership membership, RoomReader reader, Forgetting forgetting) {
        this.membership = membership;
        this.reader = reader;
        this.forgetting = forgetting;
    }

    /** POST /_matrix/client/v3/rooms/{roomId}/forget — Client-Server API § Leaving rooms. */
    public MatrixResponse forget(MatrixRequest request) {
        RoomId roomId = RoomsApi.roomId(request);
        request.jsonBodyOrEmpty();
        forgetting.forget(request.requireDevice().userId(), roomId);
        return MatrixResponse.empty();
    }

    /** POST /_matrix/client/v3/rooms/{roomId}/join — Client-Server API § Joining rooms. */
    public MatrixResponse join(MatrixRequest request) {
        RoomId roomId = RoomsApi.roomId(request);
        request.jsonBodyOrEmpty();
        membership.join(request.requireDevice().userId(), roomId);
        return MatrixResponse.ok(RoomsApi.object().put("room_id", roomId.value()));
    }

    /**
     * POST /_matrix/client/v3/join/{roomIdOrAlias} — Client-Server API § Joining rooms. A local alias is
     * resolved through the alias directory; an unknown one (or, until federation, a remote one) is 404. A room
     * we do not participate in is joined over federation through {@code via} / {@code server_name}.
     */
    public MatrixResponse joinByIdOrAlias(MatrixRequest request) {
        String target = request.pathParam("roomIdOrAlias");
        RoomId roomId = target.startsWith("#") ? membership.resolve(RoomAlias.parse(target)) : RoomId.parse(target);
        request.jsonBodyOrEmpty();
        membership.join(request.requireDevice().userId(), roomId, servers(request));
        return MatrixResponse.ok(RoomsApi.object().put("room_id", roomId.value()));
    }

    /** The servers to join through: {@code via} (spec v1.12) and the older {@code server_name}, in order. */
    private static java.util.List<ServerName> servers(MatrixRequest request) {
        java.util.List<ServerName> servers = new java.util.ArrayList<>();
        for (String param : java.util.List.of("via", "server_name")) {
            for (String value : request.queryParams(param)) {
                try {
                    servers.add(ServerName.parse(value));
                } catch (InvalidIdentifierException e) {
                    throw MatrixException.invalidParam(param, e.getMessage());
                }
            }
        }
        return servers;
    }

    /** POST /_matrix/client/v3/rooms/{roomId}/invite — Client-Server API § Room membership, inviting. */
    public MatrixResponse invite(MatrixRequest request) {
        ObjectNode body = request.jsonBody();
        membership.invite(request.requireDevice().userId(), RoomsApi.roomId(request), userId(body), reason(body));
        return MatrixResponse.empty();
    }

    /** POST /_matrix/client/v3/rooms/{roomId}/leave — Client-Server API § Leaving rooms. */
    public MatrixResponse leave(MatrixRequest request) {
        ObjectNode body = request.jsonBodyOrEmpty();
        membership.leave(request.requireDevice().userId(), RoomsApi.roomId(request), reason(body));
        return MatrixResponse.empty();
    }

    /** POST /_matrix/client/v3/rooms/{roomId}/kick — Client-Server API § Leaving rooms, kicking. */
    public MatrixResponse kick(MatrixRequest request) {
        ObjectNode body = request.jsonBody();
        membership.kick(request.requireDevice().userId(), RoomsApi.roomId(request), userId(body), reason(body));
        return MatrixResponse.empty();
    }

    /** POST /_matrix/client/v3/rooms/{roomId}/ban — Client-Server API § Banning users in a room. */
    public MatrixResponse ban(MatrixRequest request) {
        ObjectNode body = request.jsonBody();
        membership.ban(request.requireDevice().userId(), RoomsApi.roomId(request), userId(body), reason(body));
        return MatrixResponse.empty();
    }

    /** POST /_matrix/client/v3/rooms/{roomId}/unban — Client-Server API § Banning users in a room. */
    public MatrixResponse unban(MatrixRequest request) {
        ObjectNode body = request.jsonBody();
        membership.unban(request.requireDevice().userId(), RoomsApi.roomId(request), userId(body), reason(body));
        return MatrixResponse.empty();
    }

    /** GET /_matrix/client/v3/joined_rooms — Client-Server API § Room membership. */
    public MatrixResponse joinedRooms(MatrixRequest request) {
        ObjectNode out = RoomsApi.object();
        ArrayNode rooms = out.putArray("joined_rooms");
        reader.joinedRooms(request.requireDevice().userId()).forEach(r -> rooms.add(r.value()));
        return MatrixResponse.ok(out);
    }

    /** GET /_matrix/client/v3/rooms/{roomId}/members — Client-Server API § Room membership. */
    public MatrixResponse members(MatrixRequest request) {
        ObjectNode out = RoomsApi.object();
        Optional<StreamToken> at = request.queryParam("at").map(token -> StreamToken.parse("at", token));
        ArrayNode chunk = out.putArray("chunk");
        UserId user = request.requireDevice().userId();
        chunk.addAll(reader.serve(user, reader.members(user, RoomsApi.roomId(request), at,
                membershipParam(request, "membership"), membershipParam(request, "not_membership")), false));
        return MatrixResponse.ok(out);
    }

    /** GET /_matrix/client/v3/rooms/{roomId}/joined_members — Client-Server API § Room membership. */
    public MatrixResponse joinedMembers(MatrixRequest request) {
        ObjectNode out = RoomsApi.object();
        ObjectNode joined = out.putObject("joined");
        UserId user = request.requireDevice().userId();
        // Served (redacted where a redaction applies), so a redacted display name does not come back here.
        for (ObjectNode member : reader.serve(user, reader.joinedMembers(user, RoomsApi.roomId(request)), false)) {
            ObjectNode profile = joined.putObject(member.path("state_key").asText());
            JsonNode name = member.path("content").get("displayname");
            JsonNode avatar = member.path("content").get("avatar_url");
            profile.set("display_name", name != null && name.isTextual() ? name.deepCopy() : null);
            profile.set("avatar_url", avatar != null && avatar.isTextual() ? avatar.deepCopy() : null);
        }
        return MatrixResponse.ok(out);
    }

    /** A membership filter of /members: one of the spec's memberships, else 400 M_INVALID_PARAM. */
    private static Optional<String> membershipParam(MatrixRequest request, String name) {
        Optional<String> value = request.queryParam(name);
        if (value.isPresent() && !MEMBERSHIPS.contains(value.get())) {
            throw MatrixException.invalidParam(name, "must be one of " + String.join(", ", MEMBERSHIPS));
        }
        return value;
    }

    private static final java.util.List<String> MEMBERSHIPS =
            java.util.List.of("join", "invite", "knock", "leave", "ban");

    private static UserId userId(ObjectNode body) {
        JsonNode node = body.get("user_id");
        if (node == null || node.isNull()) {
            throw MatrixException.missingParam("user_id");
        }
        if (!node.isTextual()) {
            throw MatrixException.badJson("user_id must be a string");
        }
        try {
            return UserId.parse(node.textValue());
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam("user_id", e.getMessage());
        }
    }

    private static Optional<String> reason(ObjectNode body) {
        JsonNode node = body.get("reason");
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw MatrixException.badJson("reason must be a string");
        }
        return Optional.of(node.textValue());
    }
}
