package dev.starling.olm.account;

import dev.starling.protocol.ProtocolException;

/**
 * An account operation refused its input; {@link #problem()} says why. Messages name the problem and never carry
 * key material (SECURITY.md item 30).
 */
public final class AccountException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** What was wrong. */
    public enum Problem {
        /** Fewer random bytes were given than the operation consumes (or more: the exact count is required). */
        WRONG_RANDOM_LENGTH,
        /** A key is not 32 bytes or not valid unpadded base64. */
        WRONG_KEY_LENGTH,
        /** No one-time or fallback key of this account has that public key (used already, or never ours). */
        UNKNOWN_ONE_TIME_KEY,
        /** A count or other argument is out of range. */
        INVALID_ARGUMENT,
        /** Serialised account state is malformed. */
        MALFORMED_STATE
    }

    private final Problem problem;

    public AccountException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
