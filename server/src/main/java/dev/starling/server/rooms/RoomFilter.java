package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.server.http.MatrixException;

/**
 * The {@code room} part of a /sync filter (Client-Server API § Filtering, {@code RoomFilter}) that the rooms
 * stream applies: {@code rooms}/{@code not_rooms}, {@code include_leave} (rooms left before the sync's range
 * appear only on request; rooms left within it always do), and the {@code timeline} and {@code state}
 * {@link RoomEventFilter}s ({@code state.lazy_load_members} turns on lazy-loading of members). The timeline's
 * {@code limit} is passed to {@link RoomStream#sync} separately.
 */
public record RoomFilter(RoomEventFilter rooms, boolean includeLeave, RoomEventFilter timeline,
        RoomEventFilter state) {
    public static final RoomFilter NONE = new RoomFilter(RoomEventFilter.NONE, false, RoomEventFilter.NONE,
            RoomEventFilter.NONE);

    /** From a sync filter's {@code room} object (missing: no filter); bad values are 400 M_INVALID_PARAM. */
    public static RoomFilter fromJson(JsonNode room) {
        if (room == null || room.isMissingNode() || room.isNull()) {
            return NONE;
        }
        if (!room.isObject()) {
            throw MatrixException.invalidParam("filter", "room must be a JSON object");
        }
        JsonNode includeLeave = room.get("include_leave");
        if (includeLeave != null && !includeLeave.isNull() && !includeLeave.isBoolean()) {
            throw MatrixException.invalidParam("filter", "room.include_leave must be a boolean");
        }
        var roomLists = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        if (room.has("rooms")) {
            roomLists.set("rooms", room.get("rooms"));
        }
        if (room.has("not_rooms")) {
            roomLists.set("not_rooms", room.get("not_rooms"));
        }
        return new RoomFilter(RoomEventFilter.fromJson(roomLists, "filter"),
                includeLeave != null && includeLeave.asBoolean(false),
                RoomEventFilter.fromJson(room.path("timeline"), "filter"),
                RoomEventFilter.fromJson(room.path("state"), "filter"));
    }

    /** Whether the sync includes the room at all. */
    public boolean includes(RoomId roomId) {
        return rooms.matchesRoom(roomId) && timeline.matchesRoom(roomId);
    }
}
