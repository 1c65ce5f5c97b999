package dev.starling.server.keys;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.Database;
import dev.starling.server.sync.SyncRequest;
import dev.starling.server.sync.SyncResponse;
import dev.starling.server.sync.SyncSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The key parts of /sync (Client-Server API § End-to-end encryption, "Extensions to /sync"):
 * {@code device_lists} on incremental syncs, and, always, {@code device_one_time_keys_count} and
 * {@code device_unused_fallback_key_types} of the syncing device.
 */
public final class KeysSyncSource implements SyncSource {
    /** Devices whose counts are kept, at most; all are dropped when full. */
    static final int MAX_KEPT = 100_000;

    private record Counts(Map<String, Integer> oneTimeKeys, List<String> unusedFallbackTypes) {}

    /** A device's counts as read when the stream was at {@code at}. */
    private record Kept(Counts counts, long at) {}

    private record Device(String user, String device) {}

    private final Database db;
    private final DeviceLists deviceLists;
    private final java.util.concurrent.ConcurrentHashMap<Device, Kept> kept =
            new java.util.concurrent.ConcurrentHashMap<>();

    public KeysSyncSource(Database db, DeviceLists deviceLists) {
        this.db = Objects.requireNonNull(db, "db");
        this.deviceLists = Objects.requireNonNull(deviceLists, "deviceLists");
    }

    @Override
    public boolean write(SyncRequest request, SyncResponse response) {
        Counts counts = counts(request);
        ObjectNode otk = response.section("device_one_time_keys_count");
        otk.put(KeysApi.SIGNED_CURVE25519, 0);
        counts.oneTimeKeys().forEach(otk::put);
        ArrayNode fallback = response.body().putArray("device_unused_fallback_key_types");
        counts.unusedFallbackTypes().forEach(fallback::add);
        if (request.initial()) {
            return false;
        }
        DeviceLists.Changes changes = deviceLists.changes(request.user(), request.after(), request.upTo().position());
        if (changes.isEmpty()) {
            return false;
        }
        response.body().set("device_lists", changesJson(changes));
        return true;
    }

    /**
     * The device's key counts at the request's position: kept from the last read while no write of the device's
     * keys touched {@link KeyStore#countsKey} after it (every such write does, in its transaction, with a
     * position of its own), so they equal a read.
     */
    private Counts counts(SyncRequest request) {
        long upTo = request.upTo().position();
        Device device = new Device(request.user().value(), request.device().value());
        Kept known = kept.get(device);
        if (known != null && db.changes().unchangedSince(KeyStore.countsKey(request.user(), request.device()),
                Math.min(known.at(), upTo))) {
            return known.counts();
        }
        Counts read = db.read(c -> new Counts(java.util.Collections.unmodifiableMap(KeyStore.oneTimeKeyCounts(c, request.user(),
                request.device())), List.copyOf(KeyStore.unusedFallbackKeyTypes(c, request.user(), request.device()))));
        if (kept.size() >= MAX_KEPT) {
            kept.clear();
        }
        kept.merge(device, new Kept(read, upTo), (old, now) -> now.at() >= old.at() ? now : old);
        return read;
    }

    static ObjectNode changesJson(DeviceLists.Changes changes) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode changed = out.putArray("changed");
        changes.changed().stream().map(UserId::value).forEach(changed::add);
        ArrayNode left = out.putArray("left");
        changes.left().stream().map(UserId::value).forEach(left::add);
        return out;
    }
}
