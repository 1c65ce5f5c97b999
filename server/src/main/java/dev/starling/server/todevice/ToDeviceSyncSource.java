package dev.starling.server.todevice;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.server.storage.Database;
import dev.starling.server.storage.StreamPositions;
import dev.starling.server.sync.SyncRequest;
import dev.starling.server.sync.SyncResponse;
import dev.starling.server.sync.SyncSource;
import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.UserId;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;

/**
 * {@code to_device.events} of /sync (Client-Server API § Send-to-Device messaging): the syncing device's inbox,
 * oldest first, at most {@link #LIMIT} per answer. A message is deleted only when a later sync's {@code since}
 * is at or past the answer that delivered it, which proves the client got it (see README.md).
 */
public final class ToDeviceSyncSource implements SyncSource {
    /** Messages per sync answer (as Synapse). */
    public static final int LIMIT = 100;

    private final Database db;
    /**
     * Per device, a cut at which its inbox was read empty (no message, no delivery record). It stays empty until
     * a message to the user is stored, which {@link ToDeviceStore#store} records in {@link Database#changes()}
     * before its commit; so a device whose entry is at or after the user's last such change is still empty.
     */
    private final ConcurrentHashMap<Inbox, Long> emptyAt = new ConcurrentHashMap<>();

    private record Inbox(UserId user, DeviceId device) {}

    public ToDeviceSyncSource(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public boolean write(SyncRequest request, SyncResponse response) {
        long upTo = request.upTo().position();
        // Most syncs find an empty inbox: then the write transaction below would change nothing, so skip it
        // (it would wait for a group commit, and it competes with sends for the one writer).
        Inbox inbox = new Inbox(request.user(), request.device());
        Long empty = emptyAt.get(inbox);
        if (empty != null && db.changes().lastChange(ToDeviceStore.changeKey(request.user())) <= empty) {
            return false; // read empty before, and nothing sent to the user since (known in memory)
        }
        long horizon = Math.max(upTo, request.since().map(t -> t.position()).orElse(0L)); // what acknowledging reaches
        if (!db.read(c -> ToDeviceStore.anythingFor(c, request.user(), request.device(), horizon))) {
            // Everything up to upTo (all committed before this read) is gone; later messages touch the user.
            emptyAt.merge(inbox, upTo, Math::max);
            return false;
        }
        emptyAt.remove(inbox);
        List<ToDeviceStore.Message> messages = db.inTransaction(c -> {
            if (request.since().isPresent()) {
                ToDeviceStore.acknowledge(c, request.user(), request.device(), request.since().get().position());
            }
            List<ToDeviceStore.Message> read = ToDeviceStore.read(c, request.user(), request.device(), upTo, LIMIT + 1);
            if (read.size() > LIMIT) {
                read = read.subList(0, LIMIT);
                ToDeviceStore.recordPartialDelivery(c, request.user(), request.device(), upTo,
                        read.get(LIMIT - 1).position());
                // The next answer must carry a newer token than this one: were both answered with the same
                // next_batch, a since of it could not tell which of the two the client got.
                StreamPositions.next(c);
            }
            return read;
        });
        if (messages.isEmpty()) {
            return false;
        }
        ArrayNode events = response.section("to_device").putArray("events");
        for (ToDeviceStore.Message message : messages) {
            ObjectNode event = events.addObject();
            event.put("sender", message.sender().value());
            event.put("type", message.type());
            event.set("content", message.content());
        }
        return true;
    }
}
