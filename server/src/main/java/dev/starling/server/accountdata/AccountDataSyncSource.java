package dev.starling.server.accountdata;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.server.filters.EventTypeFilter;
import dev.starling.server.storage.Database;
import dev.starling.server.sync.SyncRequest;
import dev.starling.server.sync.SyncResponse;
import dev.starling.server.sync.SyncSource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Account data in /sync: {@code account_data.events} (global) and {@code rooms.join.<id>.account_data.events}
 * (rooms the user is joined to) with the entries changed in the request's cut, the latest content of each;
 * everything on an initial sync. The filter's {@code account_data} and {@code room.account_data} types and rooms
 * apply.
 */
public final class AccountDataSyncSource implements SyncSource {
    private final Database db;

    public AccountDataSyncSource(Database db) {
        this.db = db;
    }

    @Override
    public boolean write(SyncRequest request, SyncResponse response) {
        EventTypeFilter global = request.filter().eventTypes("account_data");
        EventTypeFilter rooms = request.filter().eventTypes("room", "account_data");
        if (db.changes().unchangedSince(AccountDataStore.changeKey(request.user()), request.after())) {
            return false; // nothing set after since (known in memory)
        }
        Set<String> joined = new HashSet<>();
        request.joinedRooms().forEach(room -> joined.add(room.value()));
        // The latest entry per (room, type): changed() is oldest first.
        Map<String, AccountDataStore.Entry> latest = new LinkedHashMap<>();
        for (AccountDataStore.Entry entry : db.read(c ->
                AccountDataStore.changed(c, request.user(), request.after(), request.upTo().position()))) {
            latest.put(entry.roomId().map(RoomId::value).orElse("") + "\u0000" + entry.type(), entry);
        }
        boolean wrote = false;
        for (AccountDataStore.Entry entry : latest.values()) {
            ObjectNode event;
            if (entry.roomId().isEmpty()) {
                if (!global.allowsType(entry.type())) {
                    continue;
                }
                event = events(response.section("account_data")).addObject();
            } else {
                String room = entry.roomId().get().value();
                if (!joined.contains(room) || !rooms.allowsType(entry.type()) || !rooms.allowsRoom(room)) {
                    continue;
                }
                event = events(response.joinedRoom(entry.roomId().get()).withObjectProperty("account_data")).addObject();
            }
            event.put("type", entry.type());
            event.set("content", entry.content());
            wrote = true;
        }
        return wrote;
    }

    static ArrayNode events(ObjectNode section) {
        return section.withArrayProperty("events");
    }
}
