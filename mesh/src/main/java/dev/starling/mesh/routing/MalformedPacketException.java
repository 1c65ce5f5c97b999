package dev.starling.mesh.routing;

/** A frame that is not a valid routing packet; the router drops it and counts it. */
public final class MalformedPacketException extends Exception {
    /** Why a frame was refused. */
    public enum Reason { EMPTY, TOO_LARGE, UNKNOWN_VERSION, UNKNOWN_TYPE, TRUNCATED, TRAILING_BYTES, BAD_FIELD }

    private final Reason reason;

    public MalformedPacketException(Reason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
