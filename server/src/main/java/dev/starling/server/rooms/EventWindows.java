package dev.starling.server.rooms;

import dev.starling.protocol.id.RoomId;
import dev.starling.server.storage.StreamChanges;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The recent events of each room in memory, so that the members of a room syncing the same new events read them
 * from here rather than each from the database. A window holds exactly the room's stored, not rejected events
 * with positions in {@code (from, to]}, as committed, so a rolled-back send can never appear.
 *
 * <p>Readers fill it: a request for {@code (after, upTo]} with {@code from <= after} extends the window to
 * {@code upTo} if needed, without a read when the room's {@link RoomChanges} key did not change after {@code to},
 * else with one range read of {@code (to, upTo]}; a request the window does not cover (older {@code since}) is
 * answered empty and the caller reads the database.
 *
 * <p>The one writer extends it too ({@link #committed}, from {@link EventSender} after the commit of a local
 * send, where {@link dev.starling.server.storage.Database#afterCommit} exists): events at positions up to
 * {@code p} whose room key last changed at {@code previous} before them are appended when the window reaches
 * {@code previous}, since every event stored in a room changes its key and so no other event of the room lies
 * between. Otherwise (another path stored an event, a send rolled back) the hand-off is dropped and the next reader
 * reads. The writer never waits for a window: when a reader holds it, the hand-off is queued on the window and
 * applied, in order, by whoever takes the lock next. So in a busy room only the first sync after a restart reads.
 *
 * <p>Each window keeps the last {@value #SIZE} events: enough for a long-polling member (a few events behind)
 * and for a timeline limit of 20, and few enough that in a busy room most events leave the window before the
 * next young collection, which would otherwise copy each of them (100 made G1's pauses a third longer). At most
 * {@value #MAX_ROOMS} windows are kept (then all are dropped). Empty after a restart. Events are immutable rows
 * (redactions are applied when served). Thread-safe.
 */
final class EventWindows {
    static final int SIZE = 32;
    static final int MAX_ROOMS = 20_000;

    private final StreamChanges changes;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    /** Range reads so far (tests: what the writer's hand-offs save). */
    private final AtomicLong reads = new AtomicLong();

    EventWindows(StreamChanges changes) {
        this.changes = changes;
    }

    private static final class Window {
        final ReentrantLock lock = new ReentrantLock();
        final ArrayDeque<StoredEvent> events = new ArrayDeque<>();
        /** The writer's hand-offs not applied yet, in commit order (applied under the lock). */
        final ConcurrentLinkedQueue<HandOff> handOffs = new ConcurrentLinkedQueue<>();
        long from = -1;
        volatile long to = -1; // -1: nothing read yet; written under the lock, read without it by mayRead
        /** The last position queued in {@link #handOffs} (read without the lock by mayRead). */
        volatile long handedTo = -1;
    }

    /** Events the writer committed, at the room's only positions after {@code previous}. */
    private record HandOff(long previous, List<StoredEvent> events) {}

    /**
     * The room's events in {@code (after, upTo]}, oldest first, all of them; empty when the window cannot cover
     * {@code after}. {@code upTo} must be committed and visible to {@code c}.
     */
    Optional<List<StoredEvent>> events(Connection c, RoomId roomId, long after, long upTo) throws SQLException {
        if (windows.size() > MAX_ROOMS) {
            windows.clear();
        }
        Window w = windows.computeIfAbsent(roomId.value(), k -> new Window());
        boolean connected = false;
        if (mayRead(w, roomId, upTo, true)) {
            connect(c);
            connected = true;
        }
        while (true) {
            w.lock.lock();
            try {
                applyHandOffs(w);
                if (connected || !mayRead(w, roomId, upTo, false)) {
                    return eventsLocked(c, w, roomId, after, upTo);
                }
            } finally {
                w.lock.unlock();
            }
            connect(c); // the window changed since the look: connect outside the lock, then look again
            connected = true;
        }
    }

    /** {@link #events} under the window's lock, {@code c} connected if a read may be needed. */
    private Optional<List<StoredEvent>> eventsLocked(Connection c, Window w, RoomId roomId, long after, long upTo)
            throws SQLException {
        if (w.to < 0) {
            fill(c, w, roomId, after, upTo);
        } else if (upTo > w.to) {
            if (changes.unchangedBetween(RoomChanges.room(roomId), w.to, upTo)) {
                w.to = upTo;
            } else {
                fill(c, w, roomId, w.to, upTo);
            }
        }
        if (after < w.from) {
            return Optional.empty();
        }
        List<StoredEvent> found = new ArrayList<>();
        for (StoredEvent event : w.events) {
            if (event.streamOrdering() > after && event.streamOrdering() <= upTo) {
                found.add(event);
            }
        }
        return Optional.of(found);
    }

    /**
     * Whether extending the window to {@code upTo} needs a read: exactly, under the window's lock with the
     * hand-offs applied; else ({@code unlocked}) as far as a look can tell, counting queued hand-offs as applied.
     */
    private boolean mayRead(Window w, RoomId roomId, long upTo, boolean unlocked) {
        long to = w.to;
        if (to < 0) {
            return true;
        }
        if (unlocked) {
            to = Math.max(to, w.handedTo);
        }
        return upTo > to && !changes.unchangedBetween(RoomChanges.room(roomId), to, upTo);
    }

    /**
     * Makes sure {@code c} holds a pooled connection (a {@code Database.readLazily} connection takes one at its
     * first call) before a window's lock is taken, never under it: a thread holding a window's lock must not
     * wait for the pool while threads holding its connections wait for that lock.
     */
    private static void connect(Connection c) throws SQLException {
        c.getAutoCommit();
    }

    /**
     * At most {@code limit} of the room's events in {@code (after, upTo]}, newest first, exactly as
     * {@code StreamStore.range(c, roomId, after, upTo, limit, true, false)} answers; empty when the window
     * cannot tell (it does not hold all of them, or, with {@code c} null, it would need a read to reach
     * {@code upTo}). {@code upTo} must be committed (and visible to {@code c} when given). A given {@code c} must
     * hold its pooled connection already (a {@code Database.read}'s, not a lazy one: see {@link #connect}).
     */
    Optional<List<StoredEvent>> newest(Connection c, RoomId roomId, long after, long upTo, int limit)
            throws SQLException {
        if (windows.size() > MAX_ROOMS) {
            windows.clear();
        }
        Window w = c == null ? windows.get(roomId.value()) : windows.computeIfAbsent(roomId.value(), k -> new Window());
        if (w == null) {
            return Optional.empty();
        }
        w.lock.lock();
        try {
            applyHandOffs(w);
            if (w.to < 0 || (upTo > w.to && !changes.unchangedBetween(RoomChanges.room(roomId), w.to, upTo))) {
                if (c == null) {
                    return Optional.empty();
                }
                fill(c, w, roomId, w.to < 0 ? after : w.to, upTo);
            } else if (upTo > w.to) {
                w.to = upTo;
            }
            List<StoredEvent> found = new ArrayList<>();
            Iterator<StoredEvent> newestFirst = w.events.descendingIterator();
            while (newestFirst.hasNext() && found.size() < limit) {
                StoredEvent event = newestFirst.next();
                if (event.streamOrdering() <= after) {
                    break;
                }
                if (event.streamOrdering() <= upTo) {
                    found.add(event);
                }
            }
            // Complete when the window reaches back to after, or the limit was met inside it.
            return after >= w.from || found.size() >= limit ? Optional.of(found) : Optional.empty();
        } finally {
            w.lock.unlock();
        }
    }

    /**
     * Called by the one writer right after the commit that stored {@code events} (not rejected, in position
     * order, at the room's only positions in {@code (previous, last]}: the room's key changed last at
     * {@code previous} before them, and at each of theirs): appends them to the room's window if it reaches
     * {@code previous}. Never waits: when a reader holds the window, they are queued for the next holder.
     */
    void committed(RoomId roomId, long previous, List<StoredEvent> events) {
        Window w = windows.get(roomId.value());
        if (w == null || events.isEmpty()) {
            return;
        }
        w.handOffs.add(new HandOff(previous, List.copyOf(events)));
        w.handedTo = events.getLast().streamOrdering();
        if (w.lock.tryLock()) {
            try {
                applyHandOffs(w);
            } finally {
                w.lock.unlock();
            }
        }
    }

    /**
     * Applies the queued hand-offs in commit order (under the window's lock): each that starts where the window
     * ends (it reaches the hand-off's {@code previous} and not its last event) is appended; the others are dropped,
     * the window having read past them or missing a change between (which the next reader reads).
     */
    private static void applyHandOffs(Window w) {
        boolean appended = false;
        for (HandOff handOff; (handOff = w.handOffs.poll()) != null;) {
            long last = handOff.events().getLast().streamOrdering();
            if (w.to < 0 || w.to < handOff.previous() || w.to >= last) {
                continue;
            }
            for (StoredEvent event : handOff.events()) {
                if (event.streamOrdering() > w.to) {
                    w.events.addLast(event);
                }
            }
            w.to = last;
            appended = true;
        }
        if (appended) {
            trim(w);
        }
    }

    /** The range reads windows made so far. */
    long reads() {
        return reads.get();
    }

    /** Reads {@code (lo, hi]} (the newest {@value #SIZE} of it) into the window, which then ends at {@code hi}. */
    private void fill(Connection c, Window w, RoomId roomId, long lo, long hi) throws SQLException {
        reads.incrementAndGet();
        List<StoredEvent> newest = StreamStore.range(c, roomId, lo, hi, SIZE + 1, true, false);
        if (w.to < 0) {
            w.from = lo;
        }
        if (newest.size() > SIZE) { // more than a window's worth: start again with the newest
            w.events.clear();
            w.from = newest.get(SIZE).streamOrdering();
            newest = newest.subList(0, SIZE);
        }
        for (int i = newest.size() - 1; i >= 0; i--) {
            w.events.addLast(newest.get(i));
        }
        w.to = hi;
        trim(w);
    }

    /** Drops the oldest events past {@value #SIZE}. */
    private static void trim(Window w) {
        Iterator<StoredEvent> oldest = w.events.iterator();
        while (w.events.size() > SIZE) {
            w.from = oldest.next().streamOrdering();
            oldest.remove();
        }
    }

    /** The room's window lock, made if absent (tests: a reader holding the window while the writer hands over). */
    ReentrantLock lockOf(RoomId roomId) {
        return windows.computeIfAbsent(roomId.value(), k -> new Window()).lock;
    }

    /** Drops every window (tests). */
    void clear() {
        windows.clear();
    }
}
