package dev.starling.server.typing;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.sync.EphemeralStream;
import dev.starling.server.sync.Notifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Who is typing in which room, in memory only (the spec's servers "do not remember" typing; a restart forgets
 * it). Each change takes a position from the {@link EphemeralStream} and wakes the room's waiting syncs. Every
 * typing user has an expiry; a timer (one scheduler thread, which ends when idle) removes the user when it
 * passes and wakes the syncs too, so nothing polls. Thread-safe: each room's state is guarded by its own lock.
 */
public final class Typing {
    /** The longest a user is shown typing without renewing (clients renew every 20–30 s, spec § Typing). */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

    private final EphemeralStream stream;
    private final Notifier notifier;
    private final ConcurrentHashMap<RoomId, RoomTyping> rooms = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer;
    private volatile Listener listener = (roomId, user, typing) -> { };

    /** Told of every start (renewals included) and stop of typing (federation sends them on as m.typing). */
    @FunctionalInterface
    public interface Listener {
        void typing(RoomId roomId, UserId user, boolean typing);
    }

    /** Sets the one {@link Listener}; it must be quick. */
    public void listen(Listener newListener) {
        this.listener = java.util.Objects.requireNonNull(newListener, "newListener");
    }

    /** One room: typing users with their expiry (System.nanoTime), and the position of the last change. */
    private static final class RoomTyping {
        final Map<UserId, Long> expiries = new LinkedHashMap<>();
        long changedAt;
    }

    /** A room's typing users as of the position of its last change. */
    record Snapshot(List<UserId> users, long changedAt) {}

    public Typing(EphemeralStream stream, Notifier notifier) {
        this.stream = stream;
        this.notifier = notifier;
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "typing-expiry");
            thread.setDaemon(true);
            return thread;
        });
        timer.setKeepAliveTime(10, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Marks the user typing for {@code timeout} (capped at {@link #MAX_TIMEOUT}). */
    public void start(RoomId roomId, UserId user, Duration timeout) {
        Duration capped = timeout.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : timeout;
        long expiry = System.nanoTime() + capped.toNanos();
        RoomTyping room = rooms.computeIfAbsent(roomId, id -> new RoomTyping());
        boolean changed;
        synchronized (room) {
            changed = room.expiries.put(user, expiry) == null;
            if (changed) {
                room.changedAt = stream.advance();
            }
        }
        timer.schedule(() -> expire(roomId), capped.toNanos() + 1_000_000, TimeUnit.NANOSECONDS);
        if (changed) {
            notifier.wakeRoom(roomId);
        }
        listener.typing(roomId, user, true);
    }

    /** Marks the user not typing. */
    public void stop(RoomId roomId, UserId user) {
        RoomTyping room = rooms.get(roomId);
        if (room == null) {
            return;
        }
        boolean changed;
        synchronized (room) {
            changed = room.expiries.remove(user) != null;
            if (changed) {
                room.changedAt = stream.advance();
            }
        }
        if (changed) {
            notifier.wakeRoom(roomId);
            listener.typing(roomId, user, false);
        }
    }

    /** The room's typing users, or null if nobody ever typed there since the start. */
    Snapshot snapshot(RoomId roomId) {
        RoomTyping room = rooms.get(roomId);
        if (room == null) {
            return null;
        }
        synchronized (room) {
            return new Snapshot(new ArrayList<>(room.expiries.keySet()), room.changedAt);
        }
    }

    /** The position of the last change anywhere. */
    long position() {
        return stream.current();
    }

    private void expire(RoomId roomId) {
        RoomTyping room = rooms.get(roomId);
        if (room == null) {
            return;
        }
        long now = System.nanoTime();
        boolean changed;
        synchronized (room) {
            changed = room.expiries.values().removeIf(expiry -> expiry - now <= 0);
            if (changed) {
                room.changedAt = stream.advance();
            }
        }
        if (changed) {
            notifier.wakeRoom(roomId);
        }
    }
}
