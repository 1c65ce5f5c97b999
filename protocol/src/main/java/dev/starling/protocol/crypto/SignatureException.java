package dev.starling.protocol.crypto;

import dev.starling.protocol.ProtocolException;

/**
 * A signature check failed; {@link #problem()} says why (spec: Appendices, "Checking for a Signature").
 * Messages name the entity and key ID but never contain key material or signature bytes.
 */
public final class SignatureException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** Why the check failed. */
    public enum Problem {
        /** {@code signatures} or one of its levels is not a JSON object, or a signature is not a string. */
        MALFORMED_SIGNATURES,
        /** There is no signature by the entity (or by the key asked for). */
        MISSING_SIGNATURE,
        /** The signature is not valid unpadded base64. */
        MALFORMED_BASE64,
        /** The signature does not decode to exactly 64 bytes. */
        WRONG_LENGTH,
        /** The signature does not verify: the signed data was changed, or another key signed it. */
        BAD_SIGNATURE,
        /** The entity signed only with keys we do not know. */
        UNKNOWN_KEY,
        /** Every known key that signed had expired before the event's {@code origin_server_ts}. */
        EXPIRED_KEY,
        /** The signed object lacks a field the check needs, such as {@code origin_server_ts}. */
        MALFORMED_OBJECT
    }

    private final Problem problem;

    public SignatureException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
