package dev.starling.server.sync;

import dev.starling.protocol.id.UserId;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SyncFilters} that keeps what it resolved, so that a client renewing its /sync with the same
 * {@code filter} parameter does not read and parse it again: an uploaded filter never changes (the API has no
 * update or delete) and inline JSON is its own key. Refusals are not kept. Bounded: everything is dropped when
 * {@link #MAX_KEPT} are kept; parameters over {@link #MAX_KEPT_LENGTH} characters are not kept.
 * Thread-safe.
 */
final class KeptFilters implements SyncFilters {
    static final int MAX_KEPT = 10_000;
    /** Longer parameters are resolved every time (they would make the bound cost too much memory). */
    static final int MAX_KEPT_LENGTH = 2_000;

    private record Key(UserId user, String parameter) {}

    private final SyncFilters filters;
    private final ConcurrentHashMap<Key, SyncFilter> kept = new ConcurrentHashMap<>();

    KeptFilters(SyncFilters filters) {
        this.filters = filters;
    }

    @Override
    public SyncFilter byId(UserId user, String filterId) {
        return filters.byId(user, filterId);
    }

    @Override
    public SyncFilter resolve(UserId user, String parameter) {
        // Inline JSON does not depend on the user; an ID does.
        Key key = new Key(parameter.startsWith("{") ? null : user, parameter);
        if (parameter.length() > MAX_KEPT_LENGTH) {
            return filters.resolve(user, parameter);
        }
        SyncFilter filter = kept.get(key);
        if (filter == null) {
            filter = filters.resolve(user, parameter);
            if (kept.size() >= MAX_KEPT) {
                kept.clear();
            }
            kept.put(key, filter);
        }
        return filter;
    }
}
