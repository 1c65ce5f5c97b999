package dev.starling.server.federation.sender;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long a destination that failed is left alone: {@code base × 2^(retries−1)}, capped at {@code cap}, with
 * ±20 % jitter so that many servers coming back at once do not all retry in step.
 *
 * @param base the delay after the first failure
 * @param cap the longest delay
 */
public record Backoff(Duration base, Duration cap) {
    /** 5 s doubling up to one hour. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(5), Duration.ofHours(1));

    public Backoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cap, "cap");
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= cap, got " + base + ", " + cap);
        }
    }

    /** The delay in milliseconds after the {@code retries}-th failure in a row (retries ≥ 1). */
    public long delayMillis(int retries, RandomGenerator random) {
        long delay = base.toMillis();
        for (int i = 1; i < retries && delay < cap.toMillis(); i++) {
            delay *= 2;
        }
        delay = Math.min(delay, cap.toMillis());
        double jitter = 0.8 + 0.4 * random.nextDouble();
        return Math.max(1, (long) (delay * jitter));
    }
}
