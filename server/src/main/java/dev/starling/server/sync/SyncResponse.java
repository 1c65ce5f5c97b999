package dev.starling.server.sync;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomId;

/**
 * The JSON of a /sync answer as the {@link SyncSource}s build it; empty sections are dropped at the end (the
 * spec allows omitting them). Not thread-safe: one per request.
 */
public final class SyncResponse {
    private final ObjectNode body = JsonNodeFactory.instance.objectNode();

    SyncResponse() {}

    /** A top-level object section ({@code to_device}, {@code device_lists}, {@code account_data}...), created if absent. */
    public ObjectNode section(String name) {
        return body.has(name) ? (ObjectNode) body.get(name) : body.putObject(name);
    }

    /** The whole body, for top-level fields that are not objects of their own. */
    public ObjectNode body() {
        return body;
    }

    /** {@code rooms.<kind>.<roomId>} ({@code kind}: join, invite, leave, knock), created if absent. */
    public ObjectNode room(String kind, RoomId roomId) {
        ObjectNode rooms = section("rooms");
        ObjectNode ofKind = rooms.has(kind) ? (ObjectNode) rooms.get(kind) : rooms.putObject(kind);
        String id = roomId.value();
        return ofKind.has(id) ? (ObjectNode) ofKind.get(id) : ofKind.putObject(id);
    }

    /** {@code rooms.join.<roomId>}, created if absent. */
    public ObjectNode joinedRoom(RoomId roomId) {
        return room("join", roomId);
    }

    ObjectNode finish(SyncToken next) {
        body.put("next_batch", next.toString());
        if (body.has("rooms")) {
            ObjectNode rooms = (ObjectNode) body.get("rooms");
            rooms.properties().removeIf(kind -> kind.getValue().isEmpty());
            if (rooms.isEmpty()) {
                body.remove("rooms");
            }
        }
        return body;
    }
}
