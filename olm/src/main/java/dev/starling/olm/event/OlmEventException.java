package dev.starling.olm.event;

import dev.starling.protocol.ProtocolException;

/**
 * An Olm-encrypted event was refused; {@link #problem()} says why (spec: "Validation of incoming decrypted
 * events"). Messages name the problem and never carry plaintext or key material.
 */
public final class OlmEventException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** What was wrong. */
    public enum Problem {
        /** The content's algorithm is not {@code m.olm.v1.curve25519-aes-sha2} (e.g. a to-device event under Megolm). */
        WRONG_ALGORITHM,
        /** {@code sender_key}, {@code ciphertext}, {@code type} or {@code body} is missing or of the wrong type. */
        MALFORMED_CONTENT,
        /** The ciphertext map has no entry for our Curve25519 key. */
        NOT_FOR_THIS_DEVICE,
        /** A normal message (type 1) that no session with the sender decrypts. */
        UNKNOWN_SESSION,
        /** The Olm layer refused the message; {@link OlmEventException#olmProblem()} has its problem. */
        OLM_ERROR,
        /** The plaintext is not a JSON object with a string {@code type} and an object {@code content}. */
        MALFORMED_PLAINTEXT,
        /** The plaintext's {@code sender} is not the event's sender. */
        SENDER_MISMATCH,
        /** The plaintext's {@code recipient} is not our user ID. */
        RECIPIENT_MISMATCH,
        /** The plaintext's {@code recipient_keys.ed25519} is not our Ed25519 key. */
        RECIPIENT_KEY_MISMATCH,
        /** The plaintext's {@code keys.ed25519} is missing. */
        MISSING_SENDER_KEY,
        /** The plaintext's {@code keys.ed25519} is not the sending device's Ed25519 key. */
        SENDER_KEY_MISMATCH,
        /** {@code sender_device_keys} is malformed or its {@code user_id} is not the sender. */
        DEVICE_KEYS_USER_MISMATCH,
        /** {@code sender_device_keys}' Curve25519 key is not the event's {@code sender_key}. */
        DEVICE_KEYS_CURVE_MISMATCH,
        /** {@code sender_device_keys}' Ed25519 key is not {@code keys.ed25519}. */
        DEVICE_KEYS_ED25519_MISMATCH,
        /** {@code sender_device_keys} is not validly signed by its own Ed25519 key. */
        DEVICE_KEYS_SIGNATURE_INVALID,
        /** A room key was asked of an event that is not {@code m.room_key}. */
        NOT_A_ROOM_KEY,
        /** The session given for encryption is not with the recipient device. */
        SESSION_MISMATCH
    }

    private final Problem problem;
    private final dev.starling.olm.session.OlmException.Problem olmProblem;

    public OlmEventException(Problem problem, String detail) {
        this(problem, detail, null);
    }

    OlmEventException(Problem problem, String detail, dev.starling.olm.session.OlmException.Problem olmProblem) {
        super(problem + ": " + detail);
        this.problem = problem;
        this.olmProblem = olmProblem;
    }

    public Problem problem() {
        return problem;
    }

    /** The Olm layer's problem when {@link #problem()} is {@code OLM_ERROR}, else null. */
    public dev.starling.olm.session.OlmException.Problem olmProblem() {
        return olmProblem;
    }
}
