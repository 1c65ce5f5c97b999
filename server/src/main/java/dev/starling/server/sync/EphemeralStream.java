package dev.starling.server.sync;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The position of what a sync carries but nothing stores (typing notifications): an in-memory counter. A
 * change takes {@link #advance()}; a sync reads {@link #current()} into its token's ephemeral part. It restarts
 * at 0 with the process, so a token from before a restart can be ahead of it: readers treat such a token as
 * "send everything current". Thread-safe.
 */
public final class EphemeralStream {
    private final AtomicLong position = new AtomicLong();

    /** Takes the next position. */
    public long advance() {
        return position.incrementAndGet();
    }

    public long current() {
        return position.get();
    }
}
