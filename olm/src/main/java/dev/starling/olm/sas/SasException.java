package dev.starling.olm.sas;

/** SAS verification refused its input; {@link #problem()} says why. Messages never carry secrets. */
public final class SasException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why SAS refused its input. */
    public enum Problem {
        /** The other side's key is not 32 bytes of base64, or the key agreement is non-contributory. */
        BAD_KEY,
        /** The other side's key is not set yet, or was set twice. */
        WRONG_STATE,
        /** The commitment in {@code m.key.verification.accept} does not match the key and start content. */
        COMMITMENT_MISMATCH,
        /** A MAC in {@code m.key.verification.mac} does not match. */
        MAC_MISMATCH,
        /** The MAC content lacks a field, or names a key we do not know. */
        MALFORMED
    }

    private final Problem problem;

    public SasException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
