package dev.starling.olm.session;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A normal Olm message (type 1), exactly as libolm and vodozemac write it:
 * {@code 0x03 || 0x0A len ratchet_key(32) || 0x10 varint(counter) || 0x22 len ciphertext || mac(8)}, where the
 * MAC is HMAC-SHA-256 truncated to 8 bytes over everything before it. Decoding skips unknown varint and bytes
 * fields (as libolm does), refuses repeated known fields, other wire types, versions other than 3, keys that are
 * not 32 bytes and messages over {@link #MAX_BYTES}.
 */
public final class OlmMessage {
    /** The only version emitted and accepted (version 4 is never emitted and is refused: SECURITY.md item 31). */
    public static final int VERSION = 3;
    /** Bytes of the truncated MAC. */
    public static final int MAC_BYTES = 8;
    /** The largest message accepted (an event's whole content is at most 64 KiB). */
    public static final int MAX_BYTES = 65536;

    static final int RATCHET_KEY_TAG = 0x0A;
    static final int COUNTER_TAG = 0x10;
    static final int CIPHERTEXT_TAG = 0x22;

    private final byte[] ratchetKey;
    private final long counter;
    private final byte[] ciphertext;
    private final byte[] encoded;

    private OlmMessage(byte[] ratchetKey, long counter, byte[] ciphertext, byte[] encoded) {
        this.ratchetKey = ratchetKey;
        this.counter = counter;
        this.ciphertext = ciphertext;
        this.encoded = encoded;
    }

    /** Decodes and checks the structure (not the MAC: that needs the session). */
    public static OlmMessage decode(byte[] encoded) {
        if (encoded.length > MAX_BYTES) {
            throw new OlmException(OlmException.Problem.TOO_LONG, "the message is longer than " + MAX_BYTES + " bytes");
        }
        if (encoded.length < 1 + MAC_BYTES) {
            throw new OlmException(OlmException.Problem.TRUNCATED, "the message is too short for a version and a MAC");
        }
        if ((encoded[0] & 0xFF) != VERSION) {
            throw new OlmException(OlmException.Problem.UNSUPPORTED_VERSION,
                    "message version " + (encoded[0] & 0xFF) + ", only " + VERSION + " is supported");
        }
        Wire.Reader reader = new Wire.Reader(encoded, 1, encoded.length - MAC_BYTES);
        byte[] ratchetKey = null;
        long counter = -1;
        byte[] ciphertext = null;
        while (!reader.done()) {
            int tag = reader.tag();
            switch (tag) {
                case RATCHET_KEY_TAG -> {
                    requireAbsent(ratchetKey, "ratchet key");
                    ratchetKey = reader.lengthDelimited();
                }
                case COUNTER_TAG -> {
                    if (counter >= 0) {
                        throw new OlmException(OlmException.Problem.MALFORMED, "the counter is repeated");
                    }
                    counter = reader.varint();
                }
                case CIPHERTEXT_TAG -> {
                    requireAbsent(ciphertext, "ciphertext");
                    ciphertext = reader.lengthDelimited();
                }
                default -> reader.skip(tag);
            }
        }
        if (ratchetKey == null || counter < 0 || ciphertext == null) {
            throw new OlmException(OlmException.Problem.MALFORMED,
                    "the message lacks its ratchet key, counter or ciphertext");
        }
        Wire.requireKey(ratchetKey, "the message's ratchet key");
        return new OlmMessage(ratchetKey, counter, ciphertext, encoded.clone());
    }

    /** Encodes the message without its MAC; the caller appends {@link #MAC_BYTES} bytes of MAC. */
    static byte[] encodeWithoutMac(byte[] ratchetKey, long counter, byte[] ciphertext) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ciphertext.length + 48);
        out.write(VERSION);
        Wire.bytes(out, RATCHET_KEY_TAG, ratchetKey);
        out.write(COUNTER_TAG);
        Wire.varint(out, counter);
        Wire.bytes(out, CIPHERTEXT_TAG, ciphertext);
        return out.toByteArray();
    }

    static void requireAbsent(byte[] field, String what) {
        if (field != null) {
            throw new OlmException(OlmException.Problem.MALFORMED, "the " + what + " is repeated");
        }
    }

    public byte[] ratchetKey() {
        return ratchetKey.clone();
    }

    byte[] ratchetKeyRaw() {
        return ratchetKey;
    }

    public long counter() {
        return counter;
    }

    byte[] ciphertext() {
        return ciphertext;
    }

    /** The bytes the MAC covers. */
    byte[] authenticated() {
        return Arrays.copyOf(encoded, encoded.length - MAC_BYTES);
    }

    byte[] mac() {
        return Arrays.copyOfRange(encoded, encoded.length - MAC_BYTES, encoded.length);
    }

    @Override
    public String toString() {
        return "OlmMessage[counter " + counter + ", " + ciphertext.length + " ciphertext bytes]";
    }
}
