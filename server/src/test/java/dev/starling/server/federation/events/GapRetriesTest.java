package dev.starling.server.federation.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.ServerName;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GapRetriesTest {
    private static final ServerName ORIGIN = ServerName.parse("origin.example");
    private static final List<Duration> SHORT = List.of(Duration.ofMillis(10), Duration.ofMillis(10),
            Duration.ofMillis(10));

    private static EventId event(int n) {
        return EventId.parse("$" + String.format("%043d", n));
    }

    private static void awaitNonePending(GapRetries retries) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (retries.pending() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(retries.pending()).isZero();
    }

    @Test
    void aPduIsTriedAfterEachDelayUntilSettled() throws Exception {
        try (GapRetries retries = new GapRetries(SHORT)) {
            AtomicInteger tries = new AtomicInteger();
            assertThat(retries.schedule(ORIGIN, event(1), () -> tries.incrementAndGet() == 2)).isTrue();
            awaitNonePending(retries);
            assertThat(tries.get()).isEqualTo(2);
        }
    }

    @Test
    void aGapThatStaysOpenIsTriedOncePerDelayThenDropped() throws Exception {
        try (GapRetries retries = new GapRetries(SHORT)) {
            AtomicInteger tries = new AtomicInteger();
            retries.schedule(ORIGIN, event(1), () -> {
                tries.incrementAndGet();
                return false;
            });
            awaitNonePending(retries);
            assertThat(tries.get()).isEqualTo(SHORT.size());
        }
    }

    @Test
    void theSamePduWaitsOnceAndOneOriginCannotTakeEverySlot() throws Exception {
        try (GapRetries retries = new GapRetries(List.of(Duration.ofMinutes(5)))) {
            assertThat(retries.schedule(ORIGIN, event(0), () -> true)).isTrue();
            assertThat(retries.schedule(ORIGIN, event(0), () -> true)).isFalse();
            for (int i = 1; i < GapRetries.MAX_PER_ORIGIN; i++) {
                assertThat(retries.schedule(ORIGIN, event(i), () -> true)).isTrue();
            }
            assertThat(retries.schedule(ORIGIN, event(GapRetries.MAX_PER_ORIGIN), () -> true)).isFalse();
            assertThat(retries.schedule(ServerName.parse("other.example"), event(GapRetries.MAX_PER_ORIGIN),
                    () -> true)).isTrue();
            assertThat(retries.pending()).isEqualTo(GapRetries.MAX_PER_ORIGIN + 1);
        }
    }

    @Test
    void closeStopsEveryRetryAndTakesNoMore() throws Exception {
        GapRetries retries = new GapRetries(List.of(Duration.ofMinutes(5)));
        AtomicInteger tries = new AtomicInteger();
        retries.schedule(ORIGIN, event(1), () -> tries.incrementAndGet() > 0);
        retries.close();
        assertThat(retries.pending()).isZero();
        assertThat(retries.schedule(ORIGIN, event(2), () -> tries.incrementAndGet() > 0)).isFalse();
        assertThat(tries.get()).isZero();
    }

    @Test
    void aFailingAttemptEndsItsRetriesAndFreesTheSlot() throws Exception {
        try (GapRetries retries = new GapRetries(SHORT)) {
            CountDownLatch tried = new CountDownLatch(1);
            retries.schedule(ORIGIN, event(1), () -> {
                tried.countDown();
                throw new IllegalStateException("database closed");
            });
            assertThat(tried.await(10, TimeUnit.SECONDS)).isTrue();
            awaitNonePending(retries);
            assertThat(retries.schedule(ORIGIN, event(1), () -> true)).isTrue();
        }
    }
}
