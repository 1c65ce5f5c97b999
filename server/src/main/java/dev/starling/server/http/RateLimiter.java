package dev.starling.server.http;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets per (named limit, key). Each request takes one token; an empty bucket answers 429
 * M_LIMIT_EXCEEDED with the time until the next token. Buckets that have refilled completely hold no
 * information and are dropped when the table grows, so a flood of distinct IPs cannot grow it without bound.
 * Thread-safe.
 */
public final class RateLimiter {
    /** Above this many buckets, full ones are swept out. */
    static final int SWEEP_THRESHOLD = 100_000;

    private final Map<RateLimit, Rate> rates;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<Key, TokenBucket> buckets = new ConcurrentHashMap<>();

    /** A limiter with the defaults of {@link RateLimit}, replaced by {@code overrides} where given. */
    public RateLimiter(Map<RateLimit, Rate> overrides) {
        this(overrides, System::nanoTime);
    }

    RateLimiter(Map<RateLimit, Rate> overrides, LongSupplier nanoTime) {
        Map<RateLimit, Rate> all = new EnumMap<>(RateLimit.class);
        for (RateLimit limit : RateLimit.values()) {
            all.put(limit, overrides.getOrDefault(limit, limit.defaultRate()));
        }
        this.rates = all;
        this.nanoTime = nanoTime;
    }

    /** A limiter with every default. */
    public static RateLimiter withDefaults() {
        return new RateLimiter(Map.of());
    }

    /** The rate in force for {@code limit}. */
    public Rate rate(RateLimit limit) {
        return rates.get(limit);
    }

    /**
     * Takes a token for {@code key} (a user ID or an IP) from {@code limit}.
     *
     * @throws MatrixException 429 M_LIMIT_EXCEEDED with {@code retry_after_ms} when the bucket is empty
     */
    public void acquire(RateLimit limit, String key) {
        long now = nanoTime.getAsLong();
        if (buckets.size() > SWEEP_THRESHOLD) {
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        Rate rate = rates.get(limit);
        TokenBucket bucket = buckets.computeIfAbsent(new Key(limit, key), k -> new TokenBucket(rate, now));
        long waitNanos = bucket.tryTake(now);
        if (waitNanos > 0) {
            throw MatrixException.limitExceeded(Math.ceilDiv(waitNanos, 1_000_000L));
        }
    }

    int bucketCount() {
        return buckets.size();
    }

    private record Key(RateLimit limit, String key) {}
}
