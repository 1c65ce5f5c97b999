package dev.starling.protocol.events;

/** Size limits on persistent data units (spec: Client-Server API, "Size limits"; Server-Server API, "PDUs"). */
public final class PduLimits {
    /** The whole event as canonical JSON, signatures included. */
    public static final int MAX_EVENT_BYTES = 65_536;
    /** {@code type}, {@code state_key}, and every identifier. */
    public static final int MAX_FIELD_BYTES = 255;
    public static final int MAX_PREV_EVENTS = 20;
    public static final int MAX_AUTH_EVENTS = 10;
    /** The largest depth canonical JSON can carry, 2^53−1. */
    public static final long MAX_DEPTH = 9_007_199_254_740_991L;

    private PduLimits() {}
}
