package dev.starling.olm.session;

import dev.starling.protocol.ProtocolException;

/**
 * An Olm message or session operation was refused; {@link #problem()} says why. Messages name the problem and
 * never carry key material or plaintext (SECURITY.md item 30).
 */
public final class OlmException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** What was wrong. */
    public enum Problem {
        /** The message body is not valid unpadded base64. */
        MALFORMED_BASE64,
        /** The message ends before a field it declares, or is too short to hold a MAC. */
        TRUNCATED,
        /** The message is longer than {@link OlmMessage#MAX_BYTES}. */
        TOO_LONG,
        /** A varint is malformed, a field has an unsupported wire type, is repeated, or is missing. */
        MALFORMED,
        /** The version byte is not 3 (version 4, experimental, is refused too; SECURITY.md item 31). */
        UNSUPPORTED_VERSION,
        /** A key in the message or given by the caller is not exactly 32 bytes. */
        WRONG_KEY_LENGTH,
        /** The message type is neither 0 (pre-key) nor 1 (normal). */
        WRONG_MESSAGE_TYPE,
        /** The MAC does not match (tampered, or not for this session). */
        BAD_MAC,
        /** The MAC matched but the ciphertext does not decrypt (bad padding or length). */
        BAD_CIPHERTEXT,
        /** The pre-key message names a one-time key this account does not hold (used already, or never ours). */
        UNKNOWN_ONE_TIME_KEY,
        /** The pre-key message's identity key is not the sender's we expected. */
        IDENTITY_KEY_MISMATCH,
        /** The message's counter is behind its chain and no skipped key is kept for it (a replay, or too old). */
        MESSAGE_KEY_ALREADY_USED,
        /** The message is further ahead of its chain than {@link Session#MAX_MESSAGE_GAP}. */
        MESSAGE_GAP_TOO_LARGE,
        /** A new ratchet key arrived before we sent on our chain, which the protocol does not allow. */
        UNEXPECTED_RATCHET_KEY,
        /** A key agreement gave the all-zero result (a small-order peer key; SECURITY.md item 29). */
        NON_CONTRIBUTORY_KEY,
        /** No session can decrypt this message. */
        UNKNOWN_SESSION,
        /** The random bytes given are not the number the operation consumes. */
        WRONG_RANDOM_LENGTH,
        /** Serialised session state is malformed. */
        MALFORMED_STATE
    }

    private final Problem problem;

    public OlmException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
