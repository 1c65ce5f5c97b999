package dev.starling.mesh.link;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for redialling a static peer: {@code min * 2^attempt}, capped at
 * {@code max}, then a random 50–100 % of that (so that two nodes that lost each other do not redial in lock
 * step).
 *
 * @param min delay after the first failure (default 250 ms)
 * @param max the cap (default 30 s)
 */
public record Backoff(Duration min, Duration max) {
    public Backoff {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max");
        }
    }

    public static Backoff defaults() {
        return new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30));
    }

    /** The delay before attempt number {@code attempt} (0 = after the first failure). */
    public Duration delay(int attempt) {
        long cap = max.toMillis();
        long base = min.toMillis() << Math.min(attempt, 20);
        long capped = Math.min(base, cap);
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return Duration.ofMillis(Math.max(1, jittered));
    }
}
