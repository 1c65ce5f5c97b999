package dev.starling.mesh.store;

/** Counters of one {@link MessageStore}. */
public final class StoreStats {
    long stored;
    long forwarded;
    long expired;
    long droppedForSpace;
    long refusedTooLarge;

    /** Messages taken into custody. */
    public long stored() { return stored; }
    /** Held messages passed on (acknowledged by a next hop). */
    public long forwarded() { return forwarded; }
    /** Held messages dropped at the end of their lifetime. */
    public long expired() { return expired; }
    /** Held messages dropped, oldest first, to make room under the size cap. */
    public long droppedForSpace() { return droppedForSpace; }
    /** Messages refused because their payload alone exceeds the cap. */
    public long refusedTooLarge() { return refusedTooLarge; }
}
