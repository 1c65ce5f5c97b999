package dev.starling.server.http;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Token buckets per (named limit, key). Each request takes one token; an empty bucket answers 429
 * M_LIMIT_EXCEEDED with the time until the next token. Buckets that have refilled completely hold no
 * information: when the table passes {@link #SWEEP_THRESHOLD} they are dropped, at most once per second so
 * that a flood of distinct keys cannot make every request pay for a sweep. The table then holds at most the
 * keys seen within one refill time of the slowest limit. Thread-safe.
 */
public final class RateLimiter {
    /** Above this many buckets, full ones are swept out. */
    static final int SWEEP_THRESHOLD = 100_000;
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

    private final Map<RateLimit, Rate> rates;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<Key, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweepNanos;

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
        this.lastSweepNanos = new AtomicLong(nanoTime.getAsLong() - SWEEP_INTERVAL_NANOS);
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
        long lastSweep = lastSweepNanos.get();
        if (buckets.size() > SWEEP_THRESHOLD && now - lastSweep >= SWEEP_INTERVAL_NANOS
                && lastSweepNanos.compareAndSet(lastSweep, now)) {
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
