package dev.starling.server.sync;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.rooms.RoomEventListener;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes the waiting /sync requests of exactly the users a commit concerns. Each local user has a counter of
 * wake-ups; a request reads {@link #mark} <em>before</em> it reads the store, and if it found nothing new it
 * {@link #await}s a counter greater than that mark, so a commit between its read and its wait is not missed.
 * Waiting is plain blocking (a lock condition, fine on virtual threads; no polling). Thread-safe.
 */
public final class Notifier implements RoomEventListener {
    private final ConcurrentHashMap<UserId, Signal> signals = new ConcurrentHashMap<>();

    @Override
    public void committed(RoomId roomId, Set<UserId> users) {
        for (UserId user : users) {
            Signal signal = signals.get(user);
            if (signal != null) {
                signal.bump();
            }
        }
    }

    /** The user's wake-up count now: read it before reading the store. */
    long mark(UserId user) {
        return signal(user).count();
    }

    /**
     * Blocks until the user is woken after {@code mark}, or {@code timeout} passes.
     *
     * @return whether the user was woken
     */
    boolean await(UserId user, long mark, Duration timeout) throws InterruptedException {
        return signal(user).awaitAfter(mark, timeout.toNanos());
    }

    private Signal signal(UserId user) {
        return signals.computeIfAbsent(user, u -> new Signal());
    }

    private static final class Signal {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private long count;

        void bump() {
            lock.lock();
            try {
                count++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        long count() {
            lock.lock();
            try {
                return count;
            } finally {
                lock.unlock();
            }
        }

        boolean awaitAfter(long mark, long nanos) throws InterruptedException {
            lock.lock();
            try {
                while (count <= mark) {
                    if (nanos <= 0) {
                        return false;
                    }
                    nanos = changed.awaitNanos(nanos);
                }
                return true;
            } finally {
                lock.unlock();
            }
        }
    }
}
