package dev.starling.olm.secretstorage;

/** Secret storage refused its input; {@link #problem()} says why. Messages never carry keys or secrets. */
public final class SecretStorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why secret storage refused its input. */
    public enum Problem {
        /** A field is missing, not a string, or not base64. */
        MALFORMED,
        /** The IV or key has the wrong length. */
        BAD_LENGTH,
        /** The MAC does not match: wrong key, wrong secret name, or altered data. */
        BAD_MAC,
        /** The key does not match the key description's check ({@code iv}/{@code mac}). */
        WRONG_KEY,
        /** An algorithm this implementation does not support. */
        UNSUPPORTED_ALGORITHM
    }

    private final Problem problem;

    public SecretStorageException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
