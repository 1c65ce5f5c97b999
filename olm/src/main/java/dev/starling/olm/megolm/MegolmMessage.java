package dev.starling.olm.megolm;

import dev.starling.olm.megolm.MegolmException.Problem;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The Megolm message format, exactly as libolm and vodozemac write it:
 * {@code 0x03 | 0x08 varint(index) | 0x12 varint(length) ciphertext | MAC (8) | Ed25519 signature (64)}.
 * The MAC covers everything before it; the signature covers everything before it, MAC included.
 *
 * <p>Parsing is strict: the version must be 3 (version 4, vodozemac's experimental format, is neither
 * emitted nor accepted: SECURITY.md item 31), each field appears once in that order, nothing else is allowed,
 * the index fits in 32 bits and the ciphertext is whole AES blocks.
 */
public record MegolmMessage(int index, byte[] ciphertext, byte[] mac, byte[] signature, byte[] raw) {
    /** The version byte of the format. */
    public static final int VERSION = 3;
    /** Bytes of the truncated HMAC-SHA-256. */
    public static final int MAC_BYTES = 8;
    /** Bytes of the Ed25519 signature. */
    public static final int SIGNATURE_BYTES = 64;
    /** The longest message accepted (a Matrix event is at most 65536 bytes, and this is base64-decoded). */
    public static final int MAX_BYTES = 65_536;

    private static final int INDEX_TAG = 0x08;
    private static final int CIPHERTEXT_TAG = 0x12;

    /** The bytes covered by the MAC: version, index and ciphertext. */
    public byte[] macCovered() {
        return Arrays.copyOfRange(raw, 0, raw.length - MAC_BYTES - SIGNATURE_BYTES);
    }

    /** The bytes covered by the signature: everything before it. */
    public byte[] signatureCovered() {
        return Arrays.copyOfRange(raw, 0, raw.length - SIGNATURE_BYTES);
    }

    /** The header and ciphertext of a message, before its MAC and signature are appended. */
    static byte[] encodeBody(int index, byte[] ciphertext) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ciphertext.length + 16);
        out.write(VERSION);
        out.write(INDEX_TAG);
        writeVarint(out, Integer.toUnsignedLong(index));
        out.write(CIPHERTEXT_TAG);
        writeVarint(out, ciphertext.length);
        out.writeBytes(ciphertext);
        return out.toByteArray();
    }

    /**
     * Parses a decoded message.
     *
     * @throws MegolmException with {@code BAD_VERSION} or {@code MALFORMED}
     */
    public static MegolmMessage parse(byte[] raw) {
        if (raw.length > MAX_BYTES) {
            throw new MegolmException(Problem.MALFORMED, "the message is " + raw.length + " bytes, over " + MAX_BYTES);
        }
        if (raw.length < 1 + 2 + 2 + MAC_BYTES + SIGNATURE_BYTES) {
            throw new MegolmException(Problem.MALFORMED, "the message is too short (" + raw.length + " bytes)");
        }
        if (raw[0] != VERSION) {
            throw new MegolmException(Problem.BAD_VERSION, "message version " + (raw[0] & 0xFF) + ", expected 3");
        }
        int end = raw.length - MAC_BYTES - SIGNATURE_BYTES;
        int[] pos = {1};
        expectTag(raw, pos, end, INDEX_TAG, "message_index");
        long index = readVarint(raw, pos, end);
        if (index > 0xFFFF_FFFFL) {
            throw new MegolmException(Problem.MALFORMED, "the message index does not fit in 32 bits");
        }
        expectTag(raw, pos, end, CIPHERTEXT_TAG, "ciphertext");
        long length = readVarint(raw, pos, end);
        if (length != end - pos[0]) {
            throw new MegolmException(Problem.MALFORMED, "the ciphertext length field says " + length
                    + " but " + (end - pos[0]) + " bytes remain");
        }
        if (length == 0 || length % 16 != 0) {
            throw new MegolmException(Problem.MALFORMED, "the ciphertext is not a whole number of AES blocks");
        }
        byte[] ciphertext = Arrays.copyOfRange(raw, pos[0], end);
        byte[] mac = Arrays.copyOfRange(raw, end, end + MAC_BYTES);
        byte[] signature = Arrays.copyOfRange(raw, end + MAC_BYTES, raw.length);
        return new MegolmMessage((int) index, ciphertext, mac, signature, raw.clone());
    }

    private static void expectTag(byte[] raw, int[] pos, int end, int tag, String field) {
        if (pos[0] >= end || raw[pos[0]] != tag) {
            throw new MegolmException(Problem.MALFORMED, "the " + field + " field is missing or out of order");
        }
        pos[0]++;
    }

    private static long readVarint(byte[] raw, int[] pos, int end) {
        long value = 0;
        // Five bytes carry 35 bits, enough for any 32-bit index or length; longer varints are refused.
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos[0] >= end) {
                throw new MegolmException(Problem.MALFORMED, "a varint runs past the end of the message");
            }
            int b = raw[pos[0]++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new MegolmException(Problem.MALFORMED, "a varint is too long");
    }

    static void writeVarint(ByteArrayOutputStream out, long value) {
        while (value >= 0x80) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }

    @Override
    public String toString() {
        return "MegolmMessage[index " + Integer.toUnsignedString(index) + ", " + ciphertext.length
                + " bytes of ciphertext]";
    }
}
