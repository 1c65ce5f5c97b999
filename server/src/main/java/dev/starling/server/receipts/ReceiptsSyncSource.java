package dev.starling.server.receipts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.server.filters.EventTypeFilter;
import dev.starling.server.storage.Database;
import dev.starling.server.sync.SyncRequest;
import dev.starling.server.sync.SyncResponse;
import dev.starling.server.sync.SyncSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code m.receipt} in {@code rooms.join.<id>.ephemeral.events} (Client-Server API § Receipts): one event per
 * joined room with the receipts changed in the request's cut (all of them on an initial sync), content
 * {@code {event_id: {type: {user_id: {ts, thread_id?}}}}}. {@code m.read.private} receipts go to their owner only
 * (spec: servers MUST NOT send them to anyone else). The filter's {@code room.ephemeral} types and rooms apply.
 */
public final class ReceiptsSyncSource implements SyncSource {
    static final String TYPE = "m.receipt";

    private final Database db;

    public ReceiptsSyncSource(Database db) {
        this.db = db;
    }

    @Override
    public boolean write(SyncRequest request, SyncResponse response) {
        EventTypeFilter filter = request.filter().eventTypes("room", "ephemeral");
        if (!filter.allowsType(TYPE) || request.joinedRooms().isEmpty()) {
            return false;
        }
        List<RoomId> rooms = new ArrayList<>();
        request.joinedRooms().stream().filter(r -> filter.allowsRoom(r.value())).forEach(rooms::add);
        // No receipt in any of the rooms after since (known in memory): nothing to read.
        if (rooms.stream().allMatch(r -> db.changes().unchangedSince(ReceiptStore.changeKey(r), request.after()))) {
            return false;
        }
        Map<RoomId, ObjectNode> contents = new LinkedHashMap<>();
        for (ReceiptStore.Receipt receipt : db.read(c ->
                ReceiptStore.changed(c, rooms, request.after(), request.upTo().position()))) {
            if (receipt.type().equals(ReceiptsApi.READ_PRIVATE) && !receipt.user().equals(request.user())) {
                continue;
            }
            ObjectNode content = contents.computeIfAbsent(receipt.roomId(),
                    r -> JsonNodeFactory.instance.objectNode());
            ObjectNode entry = content.withObjectProperty(receipt.eventId()).withObjectProperty(receipt.type())
                    .putObject(receipt.user().value());
            entry.put("ts", receipt.ts());
            if (!receipt.threadId().isEmpty()) {
                entry.put("thread_id", receipt.threadId());
            }
        }
        contents.forEach((roomId, content) -> {
            ObjectNode event = response.joinedRoom(roomId).withObjectProperty("ephemeral")
                    .withArrayProperty("events").addObject();
            event.put("type", TYPE);
            event.set("content", content);
        });
        return !contents.isEmpty();
    }
}
