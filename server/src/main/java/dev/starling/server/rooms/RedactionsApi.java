package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.server.http.AuthenticatedDevice;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import java.util.Optional;

/**
 * The HTTP side of redactions. The checks are in {@link Redactions} (run by {@link EventSender} for every
 * {@code m.room.redaction}, from this endpoint or from {@code /send}); redactions are applied where events
 * are served ({@link ServedEvents}). Transaction IDs share the room's namespace with {@code /send}, as in
 * Synapse's event deduplication.
 */
public final class RedactionsApi {
    private final EventSender sender;

    RedactionsApi(EventSender sender) {
        this.sender = sender;
    }

    /** PUT /_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId} — Client-Server API § Redactions. */
    public MatrixResponse redact(MatrixRequest request) {
        AuthenticatedDevice device = request.requireDevice();
        RoomId roomId = RoomsApi.roomId(request);
        EventId target = request.pathParam("eventId", EventId::parse);
        ObjectNode content = request.jsonBody();
        JsonNode reason = content.get("reason");
        if (reason != null && !reason.isTextual()) {
            throw MatrixException.badJson("reason must be a string");
        }
        content.put("redacts", target.value());
        TxnKey txn = new TxnKey(device.userId(), device.deviceId(), roomId, request.pathParam("txnId"));
        EventId id = sender.send(roomId, EventBuilder.Request.message(device.userId(), EventTypes.REDACTION, content),
                Optional.of(txn), () -> Membership.notInRoom(roomId));
        return MatrixResponse.ok(RoomsApi.object().put("event_id", id.value()));
    }
}
