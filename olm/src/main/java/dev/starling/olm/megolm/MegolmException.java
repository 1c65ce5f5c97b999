package dev.starling.olm.megolm;

/**
 * Megolm refused a message, a session key, a stored session or a room-key event; {@link #problem()} says why.
 * Messages name the problem and public identifiers (session IDs, indices) only: never key material,
 * ciphertext or plaintext (SECURITY.md item 30).
 */
public final class MegolmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why Megolm refused its input. */
    public enum Problem {
        /** The input is not valid base64. */
        MALFORMED_BASE64,
        /** The version byte is not one this format accepts (a message must be 3; a session key 2, an export 1). */
        BAD_VERSION,
        /** The bytes are too short or too long for their format, or a field is missing, repeated or unknown. */
        MALFORMED,
        /** A key or signature has the wrong length, or a public key is not a valid Ed25519 point. */
        BAD_KEY,
        /** The message's MAC does not match: it was altered or belongs to another session. */
        BAD_MAC,
        /** The Ed25519 signature (of a message or a signed session key) does not verify. */
        BAD_SIGNATURE,
        /** The message's index is before the first index this session can decrypt. */
        UNKNOWN_MESSAGE_INDEX,
        /** The ciphertext does not decrypt to valid padding (cannot happen after a good MAC unless forged). */
        BAD_CIPHERTEXT,
        /** No inbound session is known for the message's session ID (and sender and room). */
        UNKNOWN_SESSION,
        /** A different event was already seen at this session's message index: a replay. */
        REPLAYED_INDEX,
        /** The decrypted event's room ID differs from the room of the event or of the session. */
        ROOM_MISMATCH,
        /** The event content is not a well-formed {@code m.room.encrypted} Megolm content. */
        MALFORMED_EVENT,
        /** A room key ({@code m.room_key} or {@code m.forwarded_room_key}) arrived other than over Olm. */
        ROOM_KEY_NOT_OVER_OLM,
        /** A forwarded room key nobody asked for, or for a request already answered. */
        UNSOLICITED_FORWARD,
        /** A forwarded room key from a device that is not one of our own verified devices. */
        UNTRUSTED_FORWARDER,
        /** A room key for a known session ID came from another sender key than the session's. */
        SESSION_CONFLICT,
        /** The stored session state cannot be read (wrong version or corrupt). */
        BAD_STATE
    }

    private final Problem problem;

    public MegolmException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
