package dev.starling.server.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.server.rooms.RoomStream;

/** The JSON of a /sync answer; empty sections are omitted (the spec allows it). */
final class SyncResponse {
    private SyncResponse() {}

    static ObjectNode of(RoomStream.Batch batch) {
        ObjectNode body = SyncApi.object();
        body.put("next_batch", batch.next().toString());
        ObjectNode rooms = SyncApi.object();
        if (!batch.join().isEmpty()) {
            ObjectNode join = rooms.putObject("join");
            batch.join().forEach(room -> join.set(room.roomId().value(), room(room)));
        }
        if (!batch.invite().isEmpty()) {
            ObjectNode invite = rooms.putObject("invite");
            batch.invite().forEach(room -> invite.putObject(room.roomId().value()).putObject("invite_state")
                    .putArray("events").addAll(room.inviteState()));
        }
        if (!batch.leave().isEmpty()) {
            ObjectNode leave = rooms.putObject("leave");
            batch.leave().forEach(room -> leave.set(room.roomId().value(), room(room)));
        }
        if (!rooms.isEmpty()) {
            body.set("rooms", rooms);
        }
        return body;
    }

    private static ObjectNode room(RoomStream.RoomBatch room) {
        ObjectNode node = SyncApi.object();
        ObjectNode timeline = node.putObject("timeline");
        timeline.putArray("events").addAll(room.timeline());
        timeline.put("limited", room.limited());
        timeline.put("prev_batch", room.prevBatch().toString());
        node.putObject("state").putArray("events").addAll(room.state());
        return node;
    }
}
