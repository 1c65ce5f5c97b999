package dev.starling.olm.event;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.megolm.OlmDecryptedToDevice;

/**
 * A to-device event that was Olm-decrypted and passed the plaintext checks. Only {@link OlmEvents#decrypt} makes
 * these (the constructor is package-private), so code that takes a {@code DecryptedOlmEvent} knows the payload
 * arrived over Olm: room keys are accepted only this way (SECURITY.md item 25).
 */
public final class DecryptedOlmEvent {
    /** The type of a room key event. */
    public static final String ROOM_KEY = "m.room_key";

    /** How the sender's Ed25519 key was confirmed. */
    public enum Ed25519Source {
        /** It equals the key the caller knows from {@code /keys/query}. */
        DEVICE_LIST,
        /** It equals the key in the self-signed {@code sender_device_keys} (ownership still needs cross-signing). */
        SENDER_DEVICE_KEYS,
        /** Nothing to compare it with: the caller should look the device up before trusting it. */
        UNCONFIRMED
    }

    private final String sender;
    private final String senderCurve25519Key;
    private final String senderEd25519Key;
    private final Ed25519Source ed25519Source;
    private final String type;
    private final ObjectNode content;
    private final ObjectNode senderDeviceKeys;
    private final String sessionId;

    DecryptedOlmEvent(String sender, String senderCurve25519Key, String senderEd25519Key, Ed25519Source ed25519Source,
            String type, ObjectNode content, ObjectNode senderDeviceKeys, String sessionId) {
        this.sender = sender;
        this.senderCurve25519Key = senderCurve25519Key;
        this.senderEd25519Key = senderEd25519Key;
        this.ed25519Source = ed25519Source;
        this.type = type;
        this.content = content.deepCopy();
        this.senderDeviceKeys = senderDeviceKeys == null ? null : senderDeviceKeys.deepCopy();
        this.sessionId = sessionId;
    }

    /** The sending user (the event's {@code sender}, equal to the plaintext's). */
    public String sender() {
        return sender;
    }

    /** The Curve25519 key of the Olm session (the content's {@code sender_key}). */
    public String senderCurve25519Key() {
        return senderCurve25519Key;
    }

    /** The plaintext's {@code keys.ed25519}. */
    public String senderEd25519Key() {
        return senderEd25519Key;
    }

    /** How {@link #senderEd25519Key()} was confirmed. */
    public Ed25519Source ed25519Source() {
        return ed25519Source;
    }

    /** The plaintext's {@code type}. */
    public String type() {
        return type;
    }

    /** A copy of the plaintext's {@code content}. */
    public ObjectNode content() {
        return content.deepCopy();
    }

    /** A copy of the checked {@code sender_device_keys}, or null when absent. */
    public ObjectNode senderDeviceKeys() {
        return senderDeviceKeys == null ? null : senderDeviceKeys.deepCopy();
    }

    /** The Olm session that decrypted it. */
    public String sessionId() {
        return sessionId;
    }

    public boolean isRoomKey() {
        return ROOM_KEY.equals(type);
    }

    /**
     * The {@code m.room_key} content, for the Megolm layer to import (with {@link #senderCurve25519Key()} and
     * {@link #senderEd25519Key()} as the session's claimed keys).
     *
     * @throws OlmEventException {@code NOT_A_ROOM_KEY} for any other type
     */
    public ObjectNode roomKeyContent() {
        if (!isRoomKey()) {
            throw new OlmEventException(OlmEventException.Problem.NOT_A_ROOM_KEY, "the event is not " + ROOM_KEY);
        }
        return content.deepCopy();
    }

    /**
     * This event as the Megolm layer's input ({@code GroupSessions.acceptRoomKey}): encrypted with Olm, from
     * {@link #sender()} over {@link #senderCurve25519Key()}, with the checked {@code type}, {@code sender},
     * {@code content} and {@code keys.ed25519} as the payload.
     */
    public OlmDecryptedToDevice toMegolmInput() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("type", type);
        payload.put("sender", sender);
        payload.set("content", content.deepCopy());
        payload.putObject("keys").put("ed25519", senderEd25519Key);
        return new OlmDecryptedToDevice(OlmDecryptedToDevice.OLM_ALGORITHM, sender, senderCurve25519Key,
                senderEd25519Key, payload);
    }

    @Override
    public String toString() {
        return "DecryptedOlmEvent[" + type + " from " + sender + " via " + senderCurve25519Key + "]";
    }
}
