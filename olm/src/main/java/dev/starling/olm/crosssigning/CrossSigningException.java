package dev.starling.olm.crosssigning;

/** A cross-signing key or chain was refused; {@link #problem()} says which link failed. No secrets in messages. */
public final class CrossSigningException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Which check failed. */
    public enum Problem {
        /** The key object lacks {@code user_id}, {@code usage} or exactly one valid Ed25519 key. */
        MALFORMED_KEY,
        /** The key's {@code usage} is not the one its place in the chain needs. */
        WRONG_USAGE,
        /** The key or device belongs to another user than the chain. */
        USER_MISMATCH,
        /** The signature the chain needs is absent. */
        MISSING_SIGNATURE,
        /** The signature is present but does not verify (or is malformed). */
        BAD_SIGNATURE,
        /** The device keys object lacks {@code user_id}, {@code device_id} or its Ed25519 key. */
        MALFORMED_DEVICE
    }

    private final Problem problem;

    public CrossSigningException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
