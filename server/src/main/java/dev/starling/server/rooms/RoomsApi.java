package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.server.http.AuthenticatedDevice;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP side of rooms and their events: creation, sending, state, single events. Membership is in
 * {@link MembershipApi}. Handlers parse and check the request, then call the services.
 */
public final class RoomsApi {
    private final RoomCreation creation;
    private final EventSender sender;
    private final RoomReader reader;
    private final CanonicalAliasCheck canonicalAliasCheck;

    static final String CANONICAL_ALIAS = "m.room.canonical_alias";

    /** Checks a client's {@code m.room.canonical_alias} content before it is sent (the aliases must exist). */
    @FunctionalInterface
    interface CanonicalAliasCheck {
        void check(RoomId roomId, ObjectNode content);
    }

    RoomsApi(RoomCreation creation, EventSender sender, RoomReader reader, CanonicalAliasCheck canonicalAliasCheck) {
        this.creation = creation;
        this.sender = sender;
        this.reader = reader;
        this.canonicalAliasCheck = canonicalAliasCheck;
    }

    /** POST /_matrix/client/v3/createRoom — Client-Server API § Creation. */
    public MatrixResponse createRoom(MatrixRequest request) {
        AuthenticatedDevice device = request.requireDevice();
        RoomId roomId = creation.create(device.userId(), CreateRoomRequest.parse(request.jsonBody()));
        return MatrixResponse.ok(object().put("room_id", roomId.value()));
    }

    /** PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId} — Client-Server API § Sending events to a room. */
    public MatrixResponse send(MatrixRequest request) {
        AuthenticatedDevice device = request.requireDevice();
        RoomId roomId = roomId(request);
        ObjectNode content = request.jsonBody();
        TxnKey txn = new TxnKey(device.userId(), device.deviceId(), roomId, request.pathParam("txnId"));
        EventId id = sender.send(roomId,
                EventBuilder.Request.message(device.userId(), request.pathParam("eventType"), content),
                Optional.of(txn), () -> Membership.notInRoom(roomId));
        return MatrixResponse.ok(object().put("event_id", id.value()));
    }

    /** PUT /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey} — Client-Server API § Sending events to a room. */
    public MatrixResponse putState(MatrixRequest request) {
        AuthenticatedDevice device = request.requireDevice();
        RoomId roomId = roomId(request);
        ObjectNode content = request.jsonBody();
        if (request.pathParam("eventType").equals(CANONICAL_ALIAS) && stateKey(request).isEmpty()) {
            canonicalAliasCheck.check(roomId, content);
        }
        EventId id = sender.send(roomId, EventBuilder.Request.state(device.userId(), request.pathParam("eventType"),
                        stateKey(request), content), Optional.empty(), () -> Membership.notInRoom(roomId));
        return MatrixResponse.ok(object().put("event_id", id.value()));
    }

    /** GET /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey} — Client-Server API § Getting events for a room. */
    public MatrixResponse getState(MatrixRequest request) {
        RoomId roomId = roomId(request);
        StateKey key = new StateKey(request.pathParam("eventType"), stateKey(request));
        Pdu event = reader.stateEvent(request.requireDevice().userId(), roomId, key)
                .orElseThrow(() -> MatrixException.notFound("the room has no state " + key));
        ObjectNode served = reader.serve(request.requireDevice().userId(), List.of(event), false).get(0);
        return switch (request.queryParam("format").orElse("content")) {
            case "event" -> MatrixResponse.ok(served);
            case "content" -> MatrixResponse.ok((ObjectNode) served.get("content"));
            default -> throw MatrixException.invalidParam("format", "must be content or event");
        };
    }

    /** GET /_matrix/client/v3/rooms/{roomId}/state — Client-Server API § Getting events for a room. */
    public MatrixResponse allState(MatrixRequest request) {
        RoomId roomId = roomId(request);
        List<Pdu> state = reader.state(request.requireDevice().userId(), roomId).values().stream()
                .sorted(Comparator.comparing(Pdu::stateTuple)).toList();
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        out.addAll(reader.serve(request.requireDevice().userId(), state, false));
        return MatrixResponse.ok(out);
    }

    /** GET /_matrix/client/v3/rooms/{roomId}/event/{eventId} — Client-Server API § Getting events for a room. */
    public MatrixResponse event(MatrixRequest request) {
        RoomId roomId = roomId(request);
        EventId eventId = request.pathParam("eventId", EventId::parse);
        Pdu event = reader.event(request.requireDevice().userId(), roomId, eventId)
                .orElseThrow(() -> MatrixException.notFound("event not found"));
        return MatrixResponse.ok(reader.serve(request.requireDevice().userId(), List.of(event), true).get(0));
    }

    static RoomId roomId(MatrixRequest request) {
        return request.pathParam("roomId", RoomId::parse);
    }

    private static String stateKey(MatrixRequest request) {
        return request.pathParams().getOrDefault("stateKey", "");
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
