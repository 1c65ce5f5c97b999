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
    private final Database db;
    private final DeviceLists deviceLists;

    public KeysSyncSource(Database db, DeviceLists deviceLists) {
        this.db = Objects.requireNonNull(db, "db");
        this.deviceLists = Objects.requireNonNull(deviceLists, "deviceLists");
    }

    @Override
    public boolean write(SyncRequest request, SyncResponse response) {
        record Counts(Map<String, Integer> oneTimeKeys, List<String> unusedFallbackTypes) {}
        Counts counts = db.read(c -> new Counts(KeyStore.oneTimeKeyCounts(c, request.user(), request.device()),
                KeyStore.unusedFallbackKeyTypes(c, request.user(), request.device())));
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

    static ObjectNode changesJson(DeviceLists.Changes changes) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode changed = out.putArray("changed");
        changes.changed().stream().map(UserId::value).forEach(changed::add);
        ArrayNode left = out.putArray("left");
        changes.left().stream().map(UserId::value).forEach(left::add);
        return out;
    }
}
