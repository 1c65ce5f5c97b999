package dev.starling.server.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link SyncDeadlines}: an action runs once, never before its timeout; a cancelled one never runs; a deadline
 * earlier than every pending one wakes the thread; nothing stays pending. (A fresh instance per test; the
 * waits' upper bounds are generous, for a loaded machine: they only tell "ran" from "never ran".)
 */
class SyncDeadlinesTest {

    @Test
    void anActionRunsOnceAtOrAfterItsTimeout() throws Exception {
        SyncDeadlines deadlines = new SyncDeadlines();
        CountDownLatch ran = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        AtomicLong ranAt = new AtomicLong();
        long start = System.nanoTime();
        deadlines.after(TimeUnit.MILLISECONDS.toNanos(120), () -> {
            ranAt.set(System.nanoTime());
            runs.incrementAndGet();
            ran.countDown();
        });
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ranAt.get() - start).as("not before the timeout").isGreaterThanOrEqualTo(120_000_000L);
        Thread.sleep(3 * SyncDeadlines.TICK_MILLIS);
        assertThat(runs.get()).isEqualTo(1);
        assertThat(deadlines.pending()).isZero();
    }

    @Test
    void aCancelledActionNeverRuns() throws Exception {
        SyncDeadlines deadlines = new SyncDeadlines();
        AtomicInteger cancelledRuns = new AtomicInteger();
        CountDownLatch later = new CountDownLatch(1);
        SyncDeadlines.Deadline cancelled = deadlines.after(TimeUnit.MILLISECONDS.toNanos(100),
                cancelledRuns::incrementAndGet);
        deadlines.after(TimeUnit.MILLISECONDS.toNanos(300), later::countDown);
        cancelled.cancel();
        cancelled.cancel(); // twice: a no-op
        assertThat(deadlines.pending()).isEqualTo(1);
        assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelledRuns.get()).isZero();
        assertThat(deadlines.pending()).isZero();
    }

    @Test
    void aDeadlineBeforeEveryPendingOneIsNotHeldBackByThem() throws Exception {
        SyncDeadlines deadlines = new SyncDeadlines();
        AtomicInteger lateRuns = new AtomicInteger();
        SyncDeadlines.Deadline late = deadlines.after(TimeUnit.SECONDS.toNanos(60), lateRuns::incrementAndGet);
        Thread.sleep(2 * SyncDeadlines.TICK_MILLIS); // the thread now waits for the 60 s deadline
        CountDownLatch soon = new CountDownLatch(1);
        long start = System.nanoTime();
        deadlines.after(TimeUnit.MILLISECONDS.toNanos(50), soon::countDown);
        assertThat(soon.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - start).as("woken for it, not at 60 s").isLessThan(TimeUnit.SECONDS.toNanos(30));
        late.cancel();
        assertThat(lateRuns.get()).isZero();
        assertThat(deadlines.pending()).isZero();
    }

    /** Waits ending early and late from many threads at once: each action runs exactly when not cancelled. */
    @Test
    void concurrentAddsAndCancelsLeaveNothingPending() throws Exception {
        SyncDeadlines deadlines = new SyncDeadlines();
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger kept = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 2_000; i++) {
                    SyncDeadlines.Deadline d = deadlines.after(TimeUnit.MILLISECONDS.toNanos(i % 7 * 10),
                            ran::incrementAndGet);
                    if (i % 3 != 0) {
                        d.cancel();
                    } else {
                        kept.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (deadlines.pending() > 0 && System.nanoTime() < until) {
            Thread.sleep(SyncDeadlines.TICK_MILLIS);
        }
        assertThat(deadlines.pending()).isZero();
        Thread.sleep(2 * SyncDeadlines.TICK_MILLIS);
        // A cancel that lost the race to the thread still lets its action run: at least every kept one ran.
        assertThat(ran.get()).isGreaterThanOrEqualTo(kept.get()).isLessThanOrEqualTo(16_000);
    }
}
