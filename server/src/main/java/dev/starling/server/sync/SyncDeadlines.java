package dev.starling.server.sync;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timeouts of waiting /sync requests, run by one platform thread in ticks of {@value #TICK_MILLIS} ms. A
 * virtual thread's own timed wait ({@code Condition.awaitNanos}) hands its timer to the JDK's delay scheduler
 * thread twice per wait — to schedule it and to cancel it, each an unpark of that thread — which at thousands
 * of sync answers a second took ~7 % of the server's CPU (BENCHMARKS.md). Here a wait that ends early costs a
 * removal under a lock; the thread wakes once per tick while a deadline is pending, never when none is, and is
 * signalled only when a new deadline comes before every pending one. A deadline is rounded up to the next
 * tick: an action runs at or after its timeout, at most a tick (and the thread's scheduling) later.
 * Thread-safe; one shared instance, whose daemon thread starts with the first deadline.
 */
final class SyncDeadlines {
    static final long TICK_MILLIS = 50;
    private static final long TICK_NANOS = TICK_MILLIS * 1_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(SyncDeadlines.class);

    static final SyncDeadlines SHARED = new SyncDeadlines();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Pending deadlines by tick number ({@code System.nanoTime()} divided by the tick, rounded up). */
    private final TreeMap<Long, Set<Deadline>> byTick = new TreeMap<>();
    private int pending;
    private Thread thread;

    /** A pending action; {@link #cancel} it when the wait ends first. */
    final class Deadline {
        private final long tick;
        private final Runnable action;

        private Deadline(long tick, Runnable action) {
            this.tick = tick;
            this.action = action;
        }

        /** Drops the action if it has not run (or started); a no-op after. */
        void cancel() {
            lock.lock();
            try {
                Set<Deadline> set = byTick.get(tick);
                if (set != null && set.remove(this)) {
                    pending--;
                    if (set.isEmpty()) {
                        byTick.remove(tick);
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Runs {@code action} (quick, not blocking) on this class's thread once {@code nanos} have passed. */
    Deadline after(long nanos, Runnable action) {
        long at = System.nanoTime() + Math.max(0, nanos);
        long tick = Math.floorDiv(at, TICK_NANOS) + (Math.floorMod(at, TICK_NANOS) == 0 ? 0 : 1);
        Deadline deadline = new Deadline(tick, action);
        lock.lock();
        try {
            boolean first = byTick.isEmpty() || tick < byTick.firstKey();
            byTick.computeIfAbsent(tick, t -> new HashSet<>()).add(deadline);
            pending++;
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("sync-deadlines").start(this::run);
            } else if (first) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
        return deadline;
    }

    /** How many actions are pending (tests). */
    int pending() {
        lock.lock();
        try {
            return pending;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        List<Deadline> due = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                while (due.isEmpty()) {
                    if (byTick.isEmpty()) {
                        changed.awaitUninterruptibly();
                        continue;
                    }
                    long now = System.nanoTime();
                    long wait = byTick.firstKey() * TICK_NANOS - now;
                    if (wait > 0) {
                        changed.awaitNanos(wait);
                        continue;
                    }
                    while (!byTick.isEmpty() && byTick.firstKey() * TICK_NANOS - now <= 0) {
                        Map.Entry<Long, Set<Deadline>> entry = byTick.pollFirstEntry();
                        due.addAll(entry.getValue());
                        pending -= entry.getValue().size();
                    }
                }
            } catch (InterruptedException e) {
                continue; // a daemon thread nobody interrupts; keep serving
            } finally {
                lock.unlock();
            }
            for (Deadline deadline : due) {
                try {
                    deadline.action.run();
                } catch (RuntimeException e) {
                    LOG.error("event=sync_deadline_failed", e);
                }
            }
            due.clear();
        }
    }
}
