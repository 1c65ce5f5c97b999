package dev.starling.server.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.accountdata.AccountDataStore;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.rooms.RoomEvents;
import dev.starling.server.storage.Database;
import dev.starling.server.sync.Notifier;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Receipts and the fully read marker (Client-Server API § Receipts, § Read and unread markers). The room must be
 * one the user is joined to (403 M_FORBIDDEN) and the event one of that room the user may see (404 M_NOT_FOUND,
 * the same for a missing event, an event of another room and an invisible one). {@code m.read} wakes the room's
 * syncs; {@code m.read.private} and {@code m.fully_read} only the user's, who alone may see them.
 */
public final class ReceiptsApi {
    static final String READ = "m.read";
    static final String READ_PRIVATE = "m.read.private";
    static final String FULLY_READ = "m.fully_read";
    private static final Set<String> TYPES = Set.of(READ, READ_PRIVATE, FULLY_READ);

    private final Database db;
    private final RoomEvents rooms;
    private final Notifier notifier;
    private final Clock clock;

    public ReceiptsApi(Database db, RoomEvents rooms, Notifier notifier, Clock clock) {
        this.db = db;
        this.rooms = rooms;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId} — Client-Server API § Receipts. */
    public MatrixResponse receipt(MatrixRequest request) {
        UserId user = request.requireDevice().userId();
        RoomId roomId = request.pathParam("roomId", RoomId::parse);
        String type = request.pathParam("receiptType");
        if (!TYPES.contains(type)) {
            throw MatrixException.invalidParam("receiptType", "must be m.read, m.read.private or m.fully_read");
        }
        EventId eventId = request.pathParam("eventId", EventId::parse);
        // Some clients (matrix-nio) send no body at all.
        JsonNode threadId = request.jsonBodyOrEmpty().path("thread_id");
        if (!threadId.isMissingNode() && (!threadId.isTextual() || threadId.asText().isEmpty())) {
            throw MatrixException.invalidParam("thread_id", "must be a non-empty string");
        }
        if (!threadId.isMissingNode() && type.equals(FULLY_READ)) {
            throw MatrixException.invalidParam("thread_id", "not allowed for m.fully_read");
        }
        requireJoined(user, roomId);
        Map<String, EventId> markers = new LinkedHashMap<>();
        markers.put(type, eventId);
        apply(user, roomId, markers, threadId.isMissingNode() ? "" : threadId.asText());
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode());
    }

    /** POST /_matrix/client/v3/rooms/{roomId}/read_markers — Client-Server API § Read and unread markers. */
    public MatrixResponse readMarkers(MatrixRequest request) {
        UserId user = request.requireDevice().userId();
        RoomId roomId = request.pathParam("roomId", RoomId::parse);
        ObjectNode body = request.jsonBody();
        Map<String, EventId> markers = new LinkedHashMap<>();
        for (String type : new String[] {FULLY_READ, READ, READ_PRIVATE}) {
            JsonNode value = body.path(type);
            if (value.isMissingNode() || value.isNull()) {
                continue;
            }
            if (!value.isTextual()) {
                throw MatrixException.badJson(type + " must be an event ID");
            }
            try {
                markers.put(type, EventId.parse(value.asText()));
            } catch (InvalidIdentifierException e) {
                throw MatrixException.invalidParam(type, "not an event ID");
            }
        }
        requireJoined(user, roomId);
        apply(user, roomId, markers, "");
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode());
    }

    private void requireJoined(UserId user, RoomId roomId) {
        if (!rooms.isJoined(user, roomId)) {
            throw MatrixException.forbidden("you are not in room " + roomId);
        }
    }

    /** Checks every event first, then stores all markers in one transaction: a refusal stores nothing. */
    private void apply(UserId user, RoomId roomId, Map<String, EventId> markers, String threadId) {
        Map<String, Long> positions = new LinkedHashMap<>();
        for (Map.Entry<String, EventId> marker : markers.entrySet()) {
            positions.put(marker.getKey(), rooms.visiblePosition(user, roomId, marker.getValue()).orElseThrow(
                    () -> MatrixException.notFound("no event " + marker.getValue() + " in room " + roomId)));
        }
        long now = clock.millis();
        boolean[] changed = new boolean[2]; // [public receipt, anything only the user sees]
        db.inTransaction(c -> {
            for (Map.Entry<String, EventId> marker : markers.entrySet()) {
                String type = marker.getKey();
                if (type.equals(FULLY_READ)) {
                    ObjectNode content = JsonNodeFactory.instance.objectNode();
                    content.put("event_id", marker.getValue().value());
                    AccountDataStore.put(c, user, Optional.of(roomId), FULLY_READ, content);
                    changed[1] = true;
                } else if (ReceiptStore.put(c, roomId, type, user, threadId, marker.getValue().value(),
                        positions.get(type), now)) {
                    changed[type.equals(READ) ? 0 : 1] = true;
                }
            }
            return null;
        });
        if (changed[0]) {
            notifier.wakeRoom(roomId);
        }
        if (changed[1]) {
            notifier.wakeUser(user);
        }
    }
}
