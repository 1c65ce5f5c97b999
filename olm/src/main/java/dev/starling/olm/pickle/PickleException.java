package dev.starling.olm.pickle;

import dev.starling.protocol.ProtocolException;

/** A sealed pickle could not be opened (or a seal was refused); {@link #problem()} says why. No secret in messages. */
public final class PickleException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** What was wrong. */
    public enum Problem {
        /** The pickle key is not exactly 32 bytes. */
        WRONG_KEY_LENGTH,
        /** The kind is empty, longer than 64 bytes, or not printable ASCII. */
        INVALID_KIND,
        /** The text form is not unpadded base64. */
        MALFORMED_BASE64,
        /** The pickle is shorter than its header and tag. */
        TRUNCATED,
        /** The version byte is not one this code reads. */
        UNSUPPORTED_VERSION,
        /** The pickle holds another kind of state than asked for. */
        WRONG_KIND,
        /** The pickle was sealed with another key. */
        WRONG_KEY,
        /** The key is right but the pickle was changed (the authentication tag does not match). */
        TAMPERED,
        /** The opened state is not valid state of its kind. */
        MALFORMED_STATE
    }

    private final Problem problem;

    public PickleException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
