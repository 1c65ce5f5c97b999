package dev.starling.server.storage;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

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
 */
public final class StreamChanges {
    private static final ThreadLocal<StreamChanges> WRITING = new ThreadLocal<>();

    private final long floor;
    private final ConcurrentHashMap<Object, Long> last = new ConcurrentHashMap<>();

    public StreamChanges(long floor) {
        this.floor = floor;
    }

    /** The position when this began: nothing is known of changes at or before it. */
    public long floor() {
        return floor;
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
        last.merge(Objects.requireNonNull(key, "key"), position, Math::max);
    }

    /**
     * Whether nothing changed for {@code key} after {@code after} (up to any cut taken after this call's
     * caller took it). False when {@code after} is before the floor (unknown).
     */
    public boolean unchangedSince(Object key, long after) {
        return after >= floor && last.getOrDefault(key, Long.MIN_VALUE) <= after;
    }

    /** The last known change of {@code key}, or {@link Long#MIN_VALUE} if none since the floor. */
    public long lastChange(Object key) {
        return last.getOrDefault(key, Long.MIN_VALUE);
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
