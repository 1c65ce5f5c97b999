package dev.starling.mesh.link;

import java.io.IOException;

/** A link handshake that failed: the peer did not prove the expected identity, or broke the protocol. */
public final class HandshakeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for logs and tests. */
    public enum Problem {
        /** A handshake message failed Noise processing (tampered, replayed, wrong prologue/version). */
        NOISE,
        /** The identity payload is malformed or its signature does not bind the Noise static key. */
        BAD_IDENTITY_PROOF,
        /** The peer proved a valid identity, but not the one we dialled. */
        UNEXPECTED_PEER,
        /** The peer claims to be this node. */
        SELF,
        /** A message of the wrong size. */
        MALFORMED,
        /** The handshake did not finish in time or the connection broke. */
        IO
    }

    private final Problem problem;

    public HandshakeException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
