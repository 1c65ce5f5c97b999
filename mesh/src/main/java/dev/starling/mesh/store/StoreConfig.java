package dev.starling.mesh.store;

import java.time.Duration;

/**
 * Limits of store-and-forward.
 *
 * @param lifetime how long a held message is kept before it is dropped (default 7 days)
 * @param maxBytes the most payload bytes held in total; beyond it the oldest messages are dropped first
 *     (default 64 MiB)
 * @param sync whether every append is forced to disk before the call returns (default true; the simulator
 *     turns it off because it never crashes)
 * @param maxSeenIds the most message IDs remembered for deduplication (default 1,000,000)
 */
public record StoreConfig(Duration lifetime, long maxBytes, boolean sync, int maxSeenIds) {
    public StoreConfig {
        if (lifetime.isNegative() || lifetime.isZero() || maxBytes < 1 || maxSeenIds < 1) {
            throw new IllegalArgumentException("store config out of range");
        }
    }

    public static StoreConfig defaults() {
        return new StoreConfig(Duration.ofDays(7), 64L * 1024 * 1024, true, 1_000_000);
    }

    public StoreConfig withSync(boolean s) {
        return new StoreConfig(lifetime, maxBytes, s, maxSeenIds);
    }

    public StoreConfig withMaxBytes(long b) {
        return new StoreConfig(lifetime, b, sync, maxSeenIds);
    }

    public StoreConfig withLifetime(Duration l) {
        return new StoreConfig(l, maxBytes, sync, maxSeenIds);
    }
}
