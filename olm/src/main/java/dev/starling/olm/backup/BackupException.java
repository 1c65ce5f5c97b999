package dev.starling.olm.backup;

/**
 * Key backup refused its input; {@link #problem()} says why. Messages never carry keys or plaintext
 * (SECURITY.md item 30).
 */
public final class BackupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the backup layer refused its input. */
    public enum Problem {
        /** A field is not valid base64 (or the recovery key is not base58). */
        MALFORMED_BASE64,
        /** A key has the wrong length, or the key agreement is non-contributory (all-zero). */
        BAD_KEY,
        /** The MAC does not match: the session data was altered or is for another key. */
        BAD_MAC,
        /** The ciphertext does not decrypt (bad padding) or is not whole blocks. */
        BAD_CIPHERTEXT,
        /** The session data or auth data lacks a field or has one of the wrong type, or the plaintext is not JSON. */
        MALFORMED,
        /** The recovery key's prefix is not 0x8B 0x01 or its length is wrong. */
        BAD_RECOVERY_KEY,
        /** The recovery key's parity byte does not match: a typo. */
        BAD_PARITY,
        /** The backup's {@code auth_data} is not signed by the key we trust, or its public key differs. */
        BAD_AUTH_DATA
    }

    private final Problem problem;

    public BackupException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
