package dev.starling.server.push;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.rooms.RoomEvents;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last unread count computed per user and room, so that the next /sync only evaluates the events that came
 * after it. An entry says: walking the room's events in {@code (from, upTo]} newest first, with exactly this
 * {@code ruleset} and push {@code context} (compared by identity: {@link PushRules} and {@link RoomEvents} hand
 * out a new object whenever the rules or the room's state change), {@code evaluated} events were evaluated before
 * the walk ended (at the user's own event, at {@code from}, or at {@link UnreadCountsSyncSource#MAX_EVALUATED}),
 * giving these counts. A later walk with the same {@code from}, ruleset and context over {@code (from, upTo']}
 * first meets the events in {@code (upTo, upTo']} and then exactly the kept walk, so it can add to the kept
 * counts as long as the total evaluated stays within the bound. Counts read events unredacted (as stored); a
 * redaction among the new events still makes the caller count from scratch, so that applying redactions to
 * counts later cannot silently keep a stale count. Entries are immutable; the map is bounded
 * (cleared when full). Thread-safe.
 */
final class KeptCounts {
    /** Entries kept, at most; all are dropped when full (a count is cheap to compute again). */
    static final int MAX_KEPT = 50_000;

    record Entry(long from, long upTo, List<PushRule> ruleset, RoomEvents.PushContext context, int evaluated,
            long notifications, long highlights) {
        /** Whether the kept walk depended on the ruleset and context (it evaluated something). */
        boolean evaluatedAny() {
            return evaluated > 0;
        }
    }

    private record Key(UserId user, RoomId room) {}

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

    /** The kept entry for the user and room whose walk started at {@code from} and ended at or before {@code upTo}. */
    Entry get(UserId user, RoomId room, long from, long upTo) {
        Entry entry = entries.get(new Key(user, room));
        return entry != null && entry.from() == from && entry.upTo() <= upTo ? entry : null;
    }

    void put(UserId user, RoomId room, Entry entry) {
        if (entries.size() >= MAX_KEPT) {
            entries.clear();
        }
        entries.put(new Key(user, room), entry);
    }

    /** How many entries are kept (for tests). */
    int size() {
        return entries.size();
    }
}
