package dev.starling.server.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.server.rooms.RoomFilter;
import dev.starling.server.rooms.RoomStream;
import dev.starling.server.rooms.StreamToken;

/**
 * The rooms a user is in, was invited to or left: timelines and state ({@link RoomStream}), with the filter's
 * {@code room} part ({@link RoomFilter}) applied.
 */
final class RoomsSyncSource implements SyncSource {
    private final RoomStream stream;

    RoomsSyncSource(RoomStream stream) {
        this.stream = stream;
    }

    @Override
    public boolean write(SyncRequest request, SyncResponse response) {
        RoomStream.Batch batch = stream.sync(request.user(), request.device(),
                request.since().map(t -> new StreamToken(t.position())), request.upTo().position(),
                request.filter().timelineLimit(), request.fullState(),
                request.roomFilter());
        batch.join().forEach(room -> room(response.joinedRoom(room.roomId()), room));
        batch.invite().forEach(room -> response.room("invite", room.roomId()).putObject("invite_state")
                .putArray("events").addAll(room.inviteState()));
        batch.leave().forEach(room -> room(response.room("leave", room.roomId()), room));
        return !batch.isEmpty();
    }

    private static void room(ObjectNode node, RoomStream.RoomBatch room) {
        ObjectNode timeline = node.putObject("timeline");
        timeline.putArray("events").addAll(room.timeline());
        timeline.put("limited", room.limited());
        timeline.put("prev_batch", room.prevBatch().toString());
        node.putObject("state").putArray("events").addAll(room.state());
    }
}
