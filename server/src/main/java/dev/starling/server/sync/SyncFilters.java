package dev.starling.server.sync;

import dev.starling.protocol.id.UserId;

/**
 * Turns a /sync {@code filter} parameter into a {@link SyncFilter}: JSON when it starts with <code>{</code>,
 * else the ID of a filter the user uploaded.
 */
@FunctionalInterface
public interface SyncFilters {
    /** Only inline filters; an ID reads as no filter (NOTSPEC until filters can be uploaded). */
    SyncFilters INLINE_ONLY = (user, id) -> SyncFilter.NONE;

    /** The uploaded filter {@code filterId} of {@code user}; a MatrixException when there is none. */
    SyncFilter byId(UserId user, String filterId);

    /** Resolves the parameter's value. */
    default SyncFilter resolve(UserId user, String parameter) {
        return parameter.startsWith("{") ? SyncFilter.parseInline(parameter) : byId(user, parameter);
    }
}
