package dev.starling.protocol.crypto;

import dev.starling.protocol.ProtocolException;

/**
 * A key, or a document that publishes keys, is not acceptable; {@link #problem()} says why.
 * Messages never contain key material.
 */
public final class KeyFormatException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** What was wrong. */
    public enum Problem {
        /** The key is not valid unpadded base64. */
        MALFORMED_BASE64,
        /** The key does not decode to exactly 32 bytes. */
        WRONG_LENGTH,
        /** The public key is not a canonical encoding of a point of large prime order (SECURITY item 9). */
        WEAK_KEY,
        /** The key ID names an algorithm other than {@code ed25519}. */
        UNSUPPORTED_ALGORITHM,
        /** A server key document is missing a field or has one of the wrong type. */
        MALFORMED_DOCUMENT,
        /** A server key document is for another server than the one asked. */
        WRONG_SERVER
    }

    private final Problem problem;

    public KeyFormatException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public KeyFormatException(Problem problem, String detail, Throwable cause) {
        super(problem + ": " + detail, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
