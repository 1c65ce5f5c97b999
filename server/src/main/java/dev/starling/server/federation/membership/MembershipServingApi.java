package dev.starling.server.federation.membership;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.crypto.SignatureException;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.federation.keys.KeyRing;
import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.rooms.ResidentMembership;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The membership endpoints other servers call on us (Server-Server API § Joining rooms, § Leaving rooms,
 * § Inviting to a room). Every event sent to be signed is checked first (SECURITY.md items 15, 16): it parses
 * in the room's version, names the path's room and event ID, is an {@code m.room.member} of exactly the
 * endpoint's membership whose {@code state_key} is the sender (join, leave) or one of our users (invite), the
 * sender is on the requesting server, that server's signature verifies and the content hash matches. Nothing
 * else is ever signed. Then {@link ResidentMembership} applies the auth rules and stores it.
 */
public final class MembershipServingApi {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipServingApi.class);
    /** The most stripped state events an invite may carry (SECURITY.md item 18). */
    static final int MAX_INVITE_STATE = 64;

    private final ServerName us;
    private final ResidentMembership resident;
    private final EventSignatureChecks signatures;

    public MembershipServingApi(ServerName us, ResidentMembership resident, KeyRing keyRing) {
        this.us = us;
        this.resident = resident;
        this.signatures = new EventSignatureChecks(keyRing);
    }

    /** GET /_matrix/federation/v1/make_join/{roomId}/{userId} — Server-Server API § Joining rooms. */
    public MatrixResponse makeJoin(MatrixRequest request) {
        ServerName origin = request.requireOrigin();
        UserId user = userOf(request, origin);
        List<String> versions = request.queryParams("ver");
        // The spec: without ver, the joining server supports only room version 1.
        return MatrixResponse.ok(resident.template(roomId(request), user, "join",
                Optional.of(versions.isEmpty() ? List.of("1") : versions)));
    }

    /** PUT /_matrix/federation/v2/send_join/{roomId}/{eventId} — Server-Server API § Joining rooms. */
    public MatrixResponse sendJoin(MatrixRequest request) {
        ServerName origin = request.requireOrigin();
        RoomId roomId = roomId(request);
        Pdu event = memberEvent(request, origin, roomId, resident.version(roomId), "join");
        ResidentMembership.Accepted accepted = resident.accept(event);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("event", accepted.event().json());
        ArrayNode state = out.putArray("state");
        accepted.state().forEach(e -> state.add(e.json()));
        ArrayNode chain = out.putArray("auth_chain");
        accepted.authChain().forEach(e -> chain.add(e.json()));
        out.put("members_omitted", false);
        ArrayNode servers = out.putArray("servers_in_room");
        accepted.serversInRoom().forEach(servers::add);
        out.put("origin", us.value());
        LOG.info("remote join accepted room_id={} origin={} state_events={} auth_chain={}", roomId, origin,
                accepted.state().size(), accepted.authChain().size());
        return MatrixResponse.ok(out);
    }

    /** GET /_matrix/federation/v1/make_leave/{roomId}/{userId} — Server-Server API § Leaving rooms. */
    public MatrixResponse makeLeave(MatrixRequest request) {
        ServerName origin = request.requireOrigin();
        return MatrixResponse.ok(resident.template(roomId(request), userOf(request, origin), "leave",
                Optional.empty()));
    }

    /** PUT /_matrix/federation/v2/send_leave/{roomId}/{eventId} — Server-Server API § Leaving rooms. */
    public MatrixResponse sendLeave(MatrixRequest request) {
        ServerName origin = request.requireOrigin();
        RoomId roomId = roomId(request);
        resident.accept(memberEvent(request, origin, roomId, resident.version(roomId), "leave"));
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode());
    }

    /** PUT /_matrix/federation/v2/invite/{roomId}/{eventId} — Server-Server API § Inviting to a room. */
    public MatrixResponse invite(MatrixRequest request) {
        ServerName origin = request.requireOrigin();
        RoomId roomId = roomId(request);
        ObjectNode body = request.jsonBody();
        JsonNode versionId = body.get("room_version");
        if (versionId == null || !versionId.isTextual()) {
            throw MatrixException.missingParam("room_version");
        }
        RoomVersion version;
        try {
            version = RoomVersion.fromId(versionId.textValue());
        } catch (RuntimeException e) {
            throw new MatrixException(ErrorCode.M_INCOMPATIBLE_ROOM_VERSION, "room version " + versionId.textValue()
                    + " is not supported here").withField("room_version", versionId.textValue());
        }
        JsonNode eventNode = body.get("event");
        if (!(eventNode instanceof ObjectNode eventJson)) {
            throw MatrixException.badJson("event must be an object");
        }
        Pdu event = checked(eventJson, request, origin, roomId, version, "invite");
        UserId target = parseUser(event.stateKey().orElse(""), "state_key");
        if (!target.server().equals(us)) {
            throw MatrixException.forbidden("the invited user " + target + " is not on this server");
        }
        Pdu signed = resident.acceptInvite(event, inviteState(body.get("invite_room_state")));
        LOG.info("remote invite accepted room_id={} origin={}", roomId, origin);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("event", signed.json());
        return MatrixResponse.ok(out);
    }

    private Pdu memberEvent(MatrixRequest request, ServerName origin, RoomId roomId, RoomVersion version,
            String membership) {
        Pdu event = checked(request.jsonBody(), request, origin, roomId, version, membership);
        if (!event.stateKey().orElse("").equals(event.sender().value())) {
            throw MatrixException.badJson("a " + membership + " event's state_key must be its sender");
        }
        return event;
    }

    /** Shape, path, membership, origin, signature and content hash of an event we are asked to sign. */
    private Pdu checked(ObjectNode json, MatrixRequest request, ServerName origin, RoomId roomId, RoomVersion version,
            String membership) {
        Pdu event = Pdu.fromJson(Pdu.stripUnsigned(json), version);
        if (!event.roomId().equals(roomId)) {
            throw MatrixException.badJson("the event is of room " + event.roomId() + ", the path names " + roomId);
        }
        if (!event.eventId().value().equals(request.pathParam("eventId"))) {
            throw MatrixException.badJson("the event's ID is " + event.eventId() + ", the path names another");
        }
        if (!EventTypes.MEMBER.equals(event.type()) || !event.isState()) {
            throw MatrixException.badJson("only an m.room.member event is accepted here, not " + event.type());
        }
        if (!membership.equals(event.content().path("membership").asText())) {
            throw MatrixException.badJson("only membership " + membership + " is accepted here");
        }
        if (!event.sender().server().equals(origin)) {
            throw MatrixException.forbidden("the sender " + event.sender() + " is not on " + origin);
        }
        ObjectNode stripped = Pdu.stripUnsigned(json);
        try {
            signatures.verify(stripped, version, origin);
        } catch (SignatureException e) {
            throw MatrixException.forbidden("the event's signature by " + origin + " does not verify: "
                    + e.getMessage());
        }
        if (!EventSigning.checkContentHash(stripped, version).matched()) {
            throw MatrixException.badJson("the event's content hash does not match");
        }
        return event;
    }

    /** Stripped state events: objects with string type, state_key, sender and object content; others dropped. */
    private static ArrayNode inviteState(JsonNode node) {
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        if (node == null || node.isNull()) {
            return kept;
        }
        if (!node.isArray()) {
            throw MatrixException.badJson("invite_room_state must be an array");
        }
        if (node.size() > MAX_INVITE_STATE) {
            throw MatrixException.badJson("invite_room_state has more than " + MAX_INVITE_STATE + " events");
        }
        for (JsonNode element : node) {
            if (element.path("type").isTextual() && element.path("state_key").isTextual()
                    && element.path("sender").isTextual() && element.path("content").isObject()) {
                try {
                    UserId.parse(element.path("sender").textValue());
                } catch (InvalidIdentifierException e) {
                    continue;
                }
                ObjectNode event = kept.addObject();
                event.set("content", element.get("content").deepCopy());
                event.put("sender", element.get("sender").textValue());
                event.put("state_key", element.get("state_key").textValue());
                event.put("type", element.get("type").textValue());
            }
        }
        return kept;
    }

    private static UserId userOf(MatrixRequest request, ServerName origin) {
        UserId user = parseUser(request.pathParam("userId"), "userId");
        if (!user.server().equals(origin)) {
            throw MatrixException.forbidden("the user " + user + " is not on the requesting server " + origin);
        }
        return user;
    }

    private static UserId parseUser(String value, String what) {
        try {
            return UserId.parse(value);
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam(what, e.getMessage());
        }
    }

    private static RoomId roomId(MatrixRequest request) {
        try {
            return RoomId.parse(request.pathParam("roomId"));
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam("roomId", e.getMessage());
        }
    }

}
