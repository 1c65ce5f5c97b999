package dev.starling.mesh.link;

/** Why a link closed; the code travels in a CLOSE frame. */
public enum CloseReason {
    /** Closed by this node. */
    LOCAL(0),
    /** The peer sent CLOSE or closed the connection. */
    PEER_CLOSED(1),
    /** Nothing received within the dead-link timeout. */
    TIMEOUT(2),
    /** An oversized, malformed or unknown frame. */
    PROTOCOL_ERROR(3),
    /** A transport message failed authentication: tampered, replayed, reordered or from someone else. */
    AUTHENTICATION_FAILED(4),
    /** The connection broke. */
    IO_ERROR(5);

    private final int code;

    CloseReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
