package dev.starling.server.sync;

import dev.starling.protocol.id.UserId;
import dev.starling.server.rooms.RoomFilter;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The /sync {@code filter} parameter resolved ({@link SyncFilters}), checked and its room part parsed, kept so
 * that a client renewing its /sync with the same parameter does not read or parse it again: an uploaded filter
 * never changes (the API has no update or delete) and inline JSON is its own key (the same for every user).
 * Refusals are not kept. Bounded: everything is dropped when {@link #MAX_KEPT} are kept, and parameters over
 * {@link #MAX_KEPT_LENGTH} characters are resolved every time. Thread-safe.
 */
final class KeptFilters {
    static final int MAX_KEPT = 1_024;
    static final int MAX_KEPT_LENGTH = 8_192;

    /** A filter and its room part. */
    record Resolved(SyncFilter filter, RoomFilter room) {}

    /** No {@code filter} parameter. */
    static final Resolved NONE = new Resolved(SyncFilter.NONE, RoomFilter.fromJson(SyncFilter.NONE.json().path("room")));

    private record Key(UserId user, String parameter) {}

    private final SyncFilters filters;
    private final ConcurrentHashMap<Key, Resolved> kept = new ConcurrentHashMap<>();

    KeptFilters(SyncFilters filters) {
        this.filters = filters;
    }

    /** The parameter's filter; 400 M_INVALID_PARAM for a bad one (a bad limit or room filter included). */
    Resolved resolve(UserId user, String parameter) {
        // Inline JSON does not depend on the user; an ID does.
        Key key = new Key(parameter.startsWith("{") ? null : user, parameter);
        boolean keep = parameter.length() <= MAX_KEPT_LENGTH;
        Resolved resolved = keep ? kept.get(key) : null;
        if (resolved == null) {
            SyncFilter filter = filters.resolve(user, parameter);
            filter.timelineLimit();
            resolved = new Resolved(filter, RoomFilter.fromJson(filter.json().path("room")));
            if (keep) {
                if (kept.size() >= MAX_KEPT) {
                    kept.clear();
                }
                kept.put(key, resolved);
            }
        }
        return resolved;
    }
}
