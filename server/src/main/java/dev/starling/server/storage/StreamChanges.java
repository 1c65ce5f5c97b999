package dev.starling.server.storage;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last stream position at which something changed, per key (a stream and whose data: "receipts of room R",
 * "account data of user U"...), kept in memory so that a /sync source can skip its read when nothing changed
 * for it after the request's {@code since} (see sync/README.md, "Skipping reads").
 *
 * <p>Exact, not a hint: a writer calls {@link #touch} with the position it took, inside its transaction, so
 * before the commit that makes the position visible; a reader that took its cut {@code upTo} after that commit
 * therefore sees the touch. A rolled-back transaction leaves a touch behind, which only costs a read. Changes at
 * or before {@link #floor()} (the position when the database was opened: earlier processes, nothing is known)
 * are never reported as absent: {@link #unchangedSince} answers false for any {@code after} below the floor.
 * Assumes this process is the only writer of the database's streams. Thread-safe.
 *
 * <p>Keys of a family bounded by what the server holds (a room, a user) are kept for the life of the process.
 * Keys of an unbounded family (one per event, which a remote server can make up at will) implement
 * {@link Forgettable}: past {@link #DEFAULT_FORGETTABLE_LIMIT} of them all are forgotten at once, and
 * {@link #knownSince} of every forgettable key rises to the last position any of them had — the same
 * "unknown, so changed" answer as before the floor, only later.
 */
public final class StreamChanges {
    /** How many forgettable keys are kept before all are forgotten: about 170 bytes each, ~17 MB in all. */
    public static final int DEFAULT_FORGETTABLE_LIMIT = 100_000;

    private static final ThreadLocal<StreamChanges> WRITING = new ThreadLocal<>();

    /** A key of an unbounded family, forgotten when there are too many (see the class comment). */
    public interface Forgettable {}

    private final long floor;
    private final int forgettableLimit;
    private final ConcurrentHashMap<Object, Change> last = new ConcurrentHashMap<>();
    private final AtomicInteger forgettables = new AtomicInteger();
    /** The last position recorded for any forgettable key, raised before the key is put. */
    private final AtomicLong forgettableMax = new AtomicLong(Long.MIN_VALUE);
    /** Forgettable keys' changes at or before this may have been forgotten; raised before they are removed. */
    private volatile long forgotten = Long.MIN_VALUE;

    /** A key's last recorded change, and the latest of its others ({@link Long#MIN_VALUE}: none). */
    private record Change(long last, long before) {
        Change with(long position) {
            if (position > last) {
                return new Change(position, last);
            }
            return position == last || position <= before ? this : new Change(last, position);
        }
    }

    private static final Change NONE = new Change(Long.MIN_VALUE, Long.MIN_VALUE);

    public StreamChanges(long floor) {
        this(floor, DEFAULT_FORGETTABLE_LIMIT);
    }

    public StreamChanges(long floor, int forgettableLimit) {
        if (forgettableLimit < 1) {
            throw new IllegalArgumentException("forgettableLimit must be positive: " + forgettableLimit);
        }
        this.floor = floor;
        this.forgettableLimit = forgettableLimit;
    }

    /** The position when this began: nothing is known of changes at or before it. */
    public long floor() {
        return floor;
    }

    /**
     * The position after which changes of {@code key} are known: the floor, or for a {@link Forgettable} key
     * the last position of the forgettable keys last forgotten if that is later. Read it after
     * {@link #lastChange}: a key forgotten between the two reads is then covered by it.
     */
    public long knownSince(Object key) {
        return key instanceof Forgettable ? Math.max(floor, forgotten) : floor;
    }

    /**
     * Records that {@code key} changed at {@code position}, in the current {@link Database#inTransaction}
     * work (the stores call it right after taking the position). Fails outside such work: a change this process
     * does not learn of would be missed by /sync.
     */
    public static void touch(Object key, long position) {
        StreamChanges changes = WRITING.get();
        if (changes == null) {
            throw new IllegalStateException("a stream change outside Database.inTransaction");
        }
        changes.record(key, position);
    }

    /** Records a change directly (tests, and {@link #touch}). */
    public void record(Object key, long position) {
        Objects.requireNonNull(key, "key");
        if (!(key instanceof Forgettable)) {
            last.compute(key, (k, previous) -> (previous == null ? NONE : previous).with(position));
            return;
        }
        forgettableMax.accumulateAndGet(position, Math::max);
        boolean[] added = {false};
        last.compute(key, (k, previous) -> {
            added[0] = previous == null;
            return (previous == null ? NONE : previous).with(position);
        });
        if (added[0] && forgettables.incrementAndGet() > forgettableLimit) {
            forgetAll();
        }
    }

    /**
     * Forgets every forgettable key: first raises {@link #forgotten} to the last position any of them had (so a
     * reader that finds a key gone finds the raised bound after it), then removes those at or below it. A key
     * recorded meanwhile at a later position stays.
     */
    private synchronized void forgetAll() {
        if (forgettables.get() <= forgettableLimit) {
            return;
        }
        long upTo = forgettableMax.get();
        forgotten = Math.max(forgotten, upTo);
        for (var entry : last.entrySet()) {
            if (entry.getKey() instanceof Forgettable && entry.getValue().last() <= upTo
                    && last.remove(entry.getKey(), entry.getValue())) {
                forgettables.decrementAndGet();
            }
        }
    }

    /**
     * Whether nothing changed for {@code key} after {@code after} (up to any cut taken after this call's
     * caller took it). False when {@code after} is before the floor (unknown).
     */
    public boolean unchangedSince(Object key, long after) {
        long change = last.getOrDefault(key, NONE).last();
        return change <= after && after >= knownSince(key);
    }

    /**
     * Whether nothing changed for {@code key} in {@code (after, upTo]}, where {@code upTo} is a cut (every
     * position up to it committed, so recorded): as {@link #unchangedSince}, and also when the only change after
     * {@code after} is past the cut (a transaction still running, say). False when {@code after} is before the
     * floor (unknown).
     */
    public boolean unchangedBetween(Object key, long after, long upTo) {
        Change change = last.getOrDefault(key, NONE);
        return (change.last() <= after || change.last() > upTo && change.before() <= after)
                && after >= knownSince(key);
    }

    /** The last known change of {@code key}, or {@link Long#MIN_VALUE} if none after {@link #knownSince}. */
    public long lastChange(Object key) {
        return last.getOrDefault(key, NONE).last();
    }

    /** Runs {@code work} with this as the target of {@link #touch} on this thread. */
    <T> SqlWork<T> bind(SqlWork<T> work) {
        return c -> {
            StreamChanges previous = WRITING.get();
            WRITING.set(this);
            try {
                return work.run(c);
            } finally {
                if (previous == null) {
                    WRITING.remove();
                } else {
                    WRITING.set(previous);
                }
            }
        };
    }
}
