package dev.starling.server.rooms;

import dev.starling.protocol.id.RoomId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a room's events in stream order, keeping only those a predicate accepts (history visibility, a
 * {@link RoomEventFilter}), until enough are found, the range ends, or {@link #MAX_SCANNED} events were read
 * — so a filter that matches nothing cannot make one request read a whole room. The caller continues from
 * {@link Result#lastScanned} (a page token) when the scan stopped early.
 */
final class Scan {
    /** At most this many events are read for one page. */
    static final int MAX_SCANNED = 5000;
    private static final int CHUNK = 100;

    private Scan() {}

    @FunctionalInterface
    interface Keep {
        boolean test(StoredEvent event) throws SQLException;
    }

    /**
     * @param events the kept events, nearest to the start of the scan first
     * @param lastScanned the ordering of the last event read (kept or not); meaningful when {@code !exhausted}
     * @param exhausted whether the whole range was read
     */
    record Result(List<StoredEvent> events, long lastScanned, boolean exhausted) {}

    /** Up to {@code want} kept events in {@code (after, upTo]}, from {@code upTo} down when {@code backwards}. */
    static Result of(Connection c, RoomId roomId, long after, long upTo, boolean backwards, int want, Keep keep)
            throws SQLException {
        List<StoredEvent> kept = new ArrayList<>();
        long lo = after;
        long hi = upTo;
        int scanned = 0;
        long last = backwards ? upTo : after;
        while (kept.size() < want && scanned < MAX_SCANNED) {
            List<StoredEvent> chunk = StreamStore.range(c, roomId, lo, hi, CHUNK, backwards, false);
            for (StoredEvent event : chunk) {
                scanned++;
                last = event.streamOrdering();
                if (keep.test(event)) {
                    kept.add(event);
                    if (kept.size() == want) {
                        return new Result(kept, last, false);
                    }
                }
            }
            if (chunk.size() < CHUNK) {
                return new Result(kept, last, true);
            }
            if (backwards) {
                hi = last - 1;
            } else {
                lo = last;
            }
        }
        return new Result(kept, last, false);
    }

    /**
     * As {@link #of} backwards from {@code upTo}, over {@code events}: all of the range's events, oldest first,
     * already in memory ({@link EventWindows}).
     */
    static Result backwards(List<StoredEvent> events, long upTo, int want, Keep keep) throws SQLException {
        List<StoredEvent> kept = new ArrayList<>();
        long last = upTo;
        for (int i = events.size() - 1; i >= 0; i--) {
            StoredEvent event = events.get(i);
            last = event.streamOrdering();
            if (keep.test(event)) {
                kept.add(event);
                if (kept.size() == want) {
                    return new Result(kept, last, false);
                }
            }
        }
        return new Result(kept, last, true);
    }
}
