package dev.starling.server.typing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.filters.EventTypeFilter;
import dev.starling.server.sync.SyncRequest;
import dev.starling.server.sync.SyncResponse;
import dev.starling.server.sync.SyncSource;
import dev.starling.server.sync.SyncToken;

/**
 * {@code m.typing} in {@code rooms.join.<id>.ephemeral.events} (Client-Server API § Typing notifications): the
 * whole list of typing users of each joined room whose list changed after the token's ephemeral position; on an
 * initial sync, or with a token ahead of the current position (from before a restart), every joined room where
 * someone types. The filter's {@code room.ephemeral} types and rooms apply.
 */
public final class TypingSyncSource implements SyncSource {
    static final String TYPE = "m.typing";

    private final Typing typing;

    public TypingSyncSource(Typing typing) {
        this.typing = typing;
    }

    @Override
    public boolean write(SyncRequest request, SyncResponse response) {
        EventTypeFilter filter = request.filter().eventTypes("room", "ephemeral");
        if (!filter.allowsType(TYPE)) {
            return false;
        }
        long since = request.since().map(SyncToken::ephemeral).orElse(-1L);
        boolean everything = since < 0 || since > typing.position();
        boolean wrote = false;
        for (RoomId roomId : request.joinedRooms()) {
            Typing.Snapshot snapshot = typing.snapshot(roomId);
            if (snapshot == null || !filter.allowsRoom(roomId.value())) {
                continue;
            }
            if (everything ? snapshot.users().isEmpty() : snapshot.changedAt() <= since) {
                continue;
            }
            ObjectNode event = ephemeral(response, roomId).addObject();
            event.put("type", TYPE);
            ArrayNode users = event.putObject("content").putArray("user_ids");
            snapshot.users().stream().map(UserId::value).forEach(users::add);
            wrote = true;
        }
        return wrote;
    }

    /** {@code rooms.join.<id>.ephemeral.events}, created if absent. */
    static ArrayNode ephemeral(SyncResponse response, RoomId roomId) {
        return response.joinedRoom(roomId).withObjectProperty("ephemeral").withArrayProperty("events");
    }
}
