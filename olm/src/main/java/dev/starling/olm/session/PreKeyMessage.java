package dev.starling.olm.session;

import java.io.ByteArrayOutputStream;

/**
 * A pre-key Olm message (type 0), exactly as libolm and vodozemac write it:
 * {@code 0x03 || 0x0A len one_time_key(32) || 0x12 len base_key(32) || 0x1A len identity_key(32) || 0x22 len message},
 * the message being a whole {@link OlmMessage} (with its own MAC). No MAC of its own. Decoding has the same rules
 * as {@link OlmMessage#decode}.
 */
public final class PreKeyMessage {
    static final int ONE_TIME_KEY_TAG = 0x0A;
    static final int BASE_KEY_TAG = 0x12;
    static final int IDENTITY_KEY_TAG = 0x1A;
    static final int MESSAGE_TAG = 0x22;

    private final byte[] oneTimeKey;
    private final byte[] baseKey;
    private final byte[] identityKey;
    private final OlmMessage message;

    private PreKeyMessage(byte[] oneTimeKey, byte[] baseKey, byte[] identityKey, OlmMessage message) {
        this.oneTimeKey = oneTimeKey;
        this.baseKey = baseKey;
        this.identityKey = identityKey;
        this.message = message;
    }

    /** Decodes a base64 body. */
    public static PreKeyMessage decode(String body) {
        return decode(Wire.decodeBody(body, OlmMessage.MAX_BYTES));
    }

    /** Decodes and checks the structure, including the inner message's. */
    public static PreKeyMessage decode(byte[] encoded) {
        if (encoded.length > OlmMessage.MAX_BYTES) {
            throw new OlmException(OlmException.Problem.TOO_LONG,
                    "the message is longer than " + OlmMessage.MAX_BYTES + " bytes");
        }
        if (encoded.length < 1) {
            throw new OlmException(OlmException.Problem.TRUNCATED, "the message is empty");
        }
        if ((encoded[0] & 0xFF) != OlmMessage.VERSION) {
            throw new OlmException(OlmException.Problem.UNSUPPORTED_VERSION,
                    "message version " + (encoded[0] & 0xFF) + ", only " + OlmMessage.VERSION + " is supported");
        }
        Wire.Reader reader = new Wire.Reader(encoded, 1, encoded.length);
        byte[] oneTimeKey = null;
        byte[] baseKey = null;
        byte[] identityKey = null;
        byte[] message = null;
        while (!reader.done()) {
            int tag = reader.tag();
            switch (tag) {
                case ONE_TIME_KEY_TAG -> {
                    OlmMessage.requireAbsent(oneTimeKey, "one-time key");
                    oneTimeKey = reader.lengthDelimited();
                }
                case BASE_KEY_TAG -> {
                    OlmMessage.requireAbsent(baseKey, "base key");
                    baseKey = reader.lengthDelimited();
                }
                case IDENTITY_KEY_TAG -> {
                    OlmMessage.requireAbsent(identityKey, "identity key");
                    identityKey = reader.lengthDelimited();
                }
                case MESSAGE_TAG -> {
                    OlmMessage.requireAbsent(message, "message");
                    message = reader.lengthDelimited();
                }
                default -> reader.skip(tag);
            }
        }
        if (oneTimeKey == null || baseKey == null || identityKey == null || message == null) {
            throw new OlmException(OlmException.Problem.MALFORMED,
                    "the pre-key message lacks its one-time key, base key, identity key or message");
        }
        Wire.requireKey(oneTimeKey, "the one-time key");
        Wire.requireKey(baseKey, "the base key");
        Wire.requireKey(identityKey, "the identity key");
        return new PreKeyMessage(oneTimeKey, baseKey, identityKey, OlmMessage.decode(message));
    }

    static byte[] encode(byte[] oneTimeKey, byte[] baseKey, byte[] identityKey, byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 110);
        out.write(OlmMessage.VERSION);
        Wire.bytes(out, ONE_TIME_KEY_TAG, oneTimeKey);
        Wire.bytes(out, BASE_KEY_TAG, baseKey);
        Wire.bytes(out, IDENTITY_KEY_TAG, identityKey);
        Wire.bytes(out, MESSAGE_TAG, message);
        return out.toByteArray();
    }

    public byte[] oneTimeKey() {
        return oneTimeKey.clone();
    }

    public byte[] baseKey() {
        return baseKey.clone();
    }

    /** The sender's Curve25519 identity key. */
    public byte[] identityKey() {
        return identityKey.clone();
    }

    public OlmMessage message() {
        return message;
    }

    byte[] oneTimeKeyRaw() {
        return oneTimeKey;
    }

    byte[] baseKeyRaw() {
        return baseKey;
    }

    byte[] identityKeyRaw() {
        return identityKey;
    }

    @Override
    public String toString() {
        return "PreKeyMessage[" + message + "]";
    }
}
