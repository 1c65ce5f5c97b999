package dev.starling.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimiter limiter = new RateLimiter(Map.of(RateLimit.MESSAGES, new Rate(2, 3)), now::get);

    @Test
    void aBucketAllowsItsBurstThenRefusesWithTheTimeToTheNextToken() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire(RateLimit.MESSAGES, "@a:x");
        }
        MatrixException refused = catchThrowableOfType(MatrixException.class,
                () -> limiter.acquire(RateLimit.MESSAGES, "@a:x"));
        assertThat(refused.code()).isEqualTo(ErrorCode.M_LIMIT_EXCEEDED);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.fields()).containsEntry("retry_after_ms", 500L);

        now.addAndGet(250_000_000L);
        assertThat(catchThrowableOfType(MatrixException.class, () -> limiter.acquire(RateLimit.MESSAGES, "@a:x"))
                .fields()).containsEntry("retry_after_ms", 250L);
        now.addAndGet(250_000_000L);
        limiter.acquire(RateLimit.MESSAGES, "@a:x");
    }

    @Test
    void keysAndLimitsHaveSeparateBuckets() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire(RateLimit.MESSAGES, "@a:x");
        }
        limiter.acquire(RateLimit.MESSAGES, "@b:x");
        limiter.acquire(RateLimit.JOINS, "@a:x");
    }

    @Test
    void aBucketNeverHoldsMoreThanItsBurst() {
        now.addAndGet(3_600_000_000_000L);
        for (int i = 0; i < 3; i++) {
            limiter.acquire(RateLimit.MESSAGES, "@a:x");
        }
        assertThatThrownBy(() -> limiter.acquire(RateLimit.MESSAGES, "@a:x")).isInstanceOf(MatrixException.class);
    }

    @Test
    void defaultsApplyWhereNotOverridden() {
        assertThat(limiter.rate(RateLimit.LOGIN)).isEqualTo(RateLimit.LOGIN.defaultRate());
        assertThat(limiter.rate(RateLimit.MESSAGES)).isEqualTo(new Rate(2, 3));
    }

    @Test
    void fullBucketsAreSweptWhenTheTableGrows() {
        for (int i = 0; i <= RateLimiter.SWEEP_THRESHOLD; i++) {
            limiter.acquire(RateLimit.MESSAGES, "ip:" + i);
        }
        now.addAndGet(10_000_000_000L);
        limiter.acquire(RateLimit.MESSAGES, "ip:new");
        assertThat(limiter.bucketCount()).isLessThan(10);
    }

    @Test
    void aSweepRunsAtMostOncePerSecondSoAFloodDoesNotMakeEveryRequestPayForOne() {
        for (int i = 0; i <= RateLimiter.SWEEP_THRESHOLD; i++) {
            limiter.acquire(RateLimit.MESSAGES, "ip:" + i);
        }
        limiter.acquire(RateLimit.MESSAGES, "ip:a"); // sweeps; no bucket is full yet, so none is dropped
        assertThat(limiter.bucketCount()).isGreaterThan(RateLimiter.SWEEP_THRESHOLD);

        now.addAndGet(900_000_000L); // every bucket is full again, but the last sweep was 0.9 s ago
        limiter.acquire(RateLimit.MESSAGES, "ip:b");
        assertThat(limiter.bucketCount()).isGreaterThan(RateLimiter.SWEEP_THRESHOLD);

        now.addAndGet(200_000_000L);
        limiter.acquire(RateLimit.MESSAGES, "ip:c");
        assertThat(limiter.bucketCount()).isLessThan(10);
    }

    @Test
    void ratesAreValidated() {
        assertThatThrownBy(() -> new Rate(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Rate(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Rate(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
