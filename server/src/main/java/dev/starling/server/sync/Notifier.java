package dev.starling.server.sync;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.rooms.RoomEventListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes exactly the waiting /sync requests a commit concerns. A request opens a {@link Watch} on its user and
 * the rooms it is joined to <em>before</em> it reads the store, so a commit after the read but before the wait
 * still fires it; a commit to a room wakes the watches of that room and of the targets of its member events
 * (a new invite, join, leave or kick). A send costs one map lookup per key, whatever the room's size; waiting
 * is plain blocking on a lock condition (no polling, no pinning of virtual threads).
 *
 * <p>Every fire also records, per key, a number from one counter ({@link #sequence()}): a request that read the
 * store after taking {@code sequence()} = s has seen every commit whose key was fired at or before s (a fire
 * follows its commit). {@link #firedAfter} tells whether any key fired after s — if none did, a read would find
 * nothing new for them, and {@link SyncApi} waits without reading. Thread-safe.
 */
public final class Notifier implements RoomEventListener {
    private final ConcurrentHashMap<Object, Set<Watch>> watches = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();
    /** Per key (a user or a room), the sequence number of its last fire; a key never fired has none. */
    private final ConcurrentHashMap<Object, Long> lastFired = new ConcurrentHashMap<>();
    private volatile Runnable onWake = () -> { };

    /**
     * Also runs {@code listener} after every wake (the federation sender then looks for new local stream
     * items to send); it must be quick and must not block. Replaces the previous one.
     */
    public void onWake(Runnable listener) {
        this.onWake = java.util.Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void committed(RoomId roomId, Set<UserId> memberTargets) {
        fire(roomId);
        memberTargets.forEach(this::fire);
        onWake.run();
    }

    /** Wakes the waiting syncs of {@code user} (a to-device message, account data, a device-list change...). */
    public void wakeUser(UserId user) {
        fire(user);
        onWake.run();
    }

    /** Wakes the waiting syncs of the room's joined members (typing, a receipt...). */
    public void wakeRoom(RoomId roomId) {
        fire(roomId);
        onWake.run();
    }

    /** Starts watching the user and their rooms; close it when done. */
    Watch watch(UserId user, Collection<RoomId> rooms) {
        List<Object> keys = new ArrayList<>(rooms.size() + 1);
        keys.add(user);
        keys.addAll(rooms);
        Watch watch = new Watch(keys);
        for (Object key : keys) {
            watches.compute(key, (k, set) -> {
                Set<Watch> present = set == null ? ConcurrentHashMap.newKeySet() : set;
                present.add(watch);
                return present;
            });
        }
        return watch;
    }

    /**
     * The number of the last fire so far. Take it after opening a watch and before reading the store: the read
     * then sees every commit fired at or before it.
     */
    long sequence() {
        return sequence.get();
    }

    /** Whether the user or one of the rooms fired after sequence number {@code after}. */
    boolean firedAfter(UserId user, Collection<RoomId> rooms, long after) {
        if (lastFired.getOrDefault(user, 0L) > after) {
            return true;
        }
        for (RoomId room : rooms) {
            if (lastFired.getOrDefault(room, 0L) > after) {
                return true;
            }
        }
        return false;
    }

    /** How many /sync requests are blocked waiting for a commit now (for metrics). */
    public int waitingSyncs() {
        return waiting.get();
    }

    /** How many keys have a waiting request (for tests). */
    int watchedKeys() {
        return watches.size();
    }

    private void fire(Object key) {
        // Recorded before the watches are fired: a request that opened its watch too late to be fired sees it.
        long number = sequence.incrementAndGet();
        lastFired.merge(key, number, Math::max);
        Set<Watch> set = watches.get(key);
        if (set != null) {
            set.forEach(Watch::fire);
        }
    }

    /** One waiting request: fired at most once, by any of its keys. */
    final class Watch implements AutoCloseable {
        private final List<Object> keys;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition firedCondition = lock.newCondition();
        private boolean fired;
        /** The current wait's token; its deadline's action times out only that wait. */
        private Object waitingFor;
        private boolean timedOut;

        private Watch(List<Object> keys) {
            this.keys = keys;
        }

        private void fire() {
            lock.lock();
            try {
                fired = true;
                firedCondition.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void timeOut(Object wait) {
            lock.lock();
            try {
                if (waitingFor != wait) {
                    return; // an earlier wait's deadline, run as that wait ended
                }
                timedOut = true;
                firedCondition.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /**
         * Blocks until a commit concerns the watch (at once if one already did) or {@code timeout} passes (on
         * {@link SyncDeadlines}: up to a tick later, with no timer of the virtual thread's own).
         *
         * @return whether it fired
         */
        boolean await(Duration timeout) throws InterruptedException {
            long nanos = timeout.toNanos();
            waiting.incrementAndGet();
            SyncDeadlines.Deadline deadline = null;
            lock.lock();
            try {
                if (!fired && nanos > 0) {
                    Object wait = new Object();
                    waitingFor = wait;
                    timedOut = false;
                    deadline = SyncDeadlines.SHARED.after(nanos, () -> timeOut(wait));
                    while (!fired && !timedOut) {
                        firedCondition.await();
                    }
                }
                return fired;
            } finally {
                lock.unlock();
                if (deadline != null) {
                    deadline.cancel();
                }
                waiting.decrementAndGet();
            }
        }

        @Override
        public void close() {
            for (Object key : keys) {
                watches.computeIfPresent(key, (k, set) -> {
                    set.remove(this);
                    return set.isEmpty() ? null : set;
                });
            }
        }
    }
}
