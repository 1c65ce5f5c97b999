package dev.starling.protocol.crypto;

import java.util.Arrays;

/**
 * Matrix base64 (spec: Appendices, "Unpadded Base64" and "URL-safe unpadded Base64").
 *
 * <p>Encoders never pad. Decoders are strict about the alphabet: only the 64 characters of the chosen
 * alphabet are accepted (no whitespace, no line breaks, no mixing of the standard and URL-safe alphabets).
 * Padding is optional, as the spec asks ("implementations SHOULD accept input with or without padding"), but
 * when present it must be exactly the padding RFC 4648 prescribes. A length that no byte string encodes to
 * (4n+1 characters) is refused. Unused low bits of the last character are ignored, as Python's decoder
 * (Synapse) and ruma do: the spec's own test seed {@code ...XA1} has them set.
 *
 * <p>Callers always compare the decoded length with the length they expect (SECURITY item 29).
 * Error messages never repeat the input, which may be key material.
 */
public final class Base64s {
    private static final char[] STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .toCharArray();
    private static final char[] URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            .toCharArray();
    private static final byte[] STANDARD_VALUES = reverse(STANDARD);
    private static final byte[] URL_SAFE_VALUES = reverse(URL_SAFE);

    private Base64s() {}

    /** Unpadded standard base64, as used for keys, signatures and content hashes. */
    public static String encode(byte[] data) {
        return encode(data, STANDARD);
    }

    /** Unpadded URL-safe base64, as used for event IDs (room v4+) and v12 room IDs. */
    public static String encodeUrlSafe(byte[] data) {
        return encode(data, URL_SAFE);
    }

    /**
     * Decodes standard base64 (padding optional).
     *
     * @throws IllegalArgumentException when the text is not base64; the message never contains the input
     */
    public static byte[] decode(String text) {
        return decode(text, STANDARD_VALUES);
    }

    /** Decodes URL-safe base64 (padding optional); see {@link #decode(String)}. */
    public static byte[] decodeUrlSafe(String text) {
        return decode(text, URL_SAFE_VALUES);
    }

    /** The number of bytes an unpadded encoding of {@code length} characters holds, or −1 if none does. */
    static int decodedLength(int length) {
        return length % 4 == 1 ? -1 : length / 4 * 3 + Math.max(0, length % 4 - 1);
    }

    private static String encode(byte[] data, char[] alphabet) {
        StringBuilder out = new StringBuilder((data.length * 4 + 2) / 3);
        int i = 0;
        for (; i + 3 <= data.length; i += 3) {
            int v = (data[i] & 0xFF) << 16 | (data[i + 1] & 0xFF) << 8 | (data[i + 2] & 0xFF);
            out.append(alphabet[v >>> 18]).append(alphabet[(v >>> 12) & 63])
                    .append(alphabet[(v >>> 6) & 63]).append(alphabet[v & 63]);
        }
        int rest = data.length - i;
        if (rest == 1) {
            int v = (data[i] & 0xFF) << 16;
            out.append(alphabet[v >>> 18]).append(alphabet[(v >>> 12) & 63]);
        } else if (rest == 2) {
            int v = (data[i] & 0xFF) << 16 | (data[i + 1] & 0xFF) << 8;
            out.append(alphabet[v >>> 18]).append(alphabet[(v >>> 12) & 63]).append(alphabet[(v >>> 6) & 63]);
        }
        return out.toString();
    }

    private static byte[] decode(String text, byte[] values) {
        if (text == null) {
            throw new IllegalArgumentException("base64: null");
        }
        int length = text.length();
        if (length > 0 && text.charAt(length - 1) == '=') {
            if (length % 4 != 0) {
                throw new IllegalArgumentException("base64: padding does not complete a 4-character group");
            }
            length--;
            if (text.charAt(length - 1) == '=') {
                length--;
            }
            if (length % 4 < 2) {
                throw new IllegalArgumentException("base64: too much padding");
            }
        }
        int size = decodedLength(length);
        if (size < 0) {
            throw new IllegalArgumentException("base64: " + length + " characters cannot encode whole bytes");
        }
        byte[] out = new byte[size];
        int bits = 0;
        int bitCount = 0;
        int written = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            int v = c < 128 ? values[c] : -1;
            if (v < 0) {
                Arrays.fill(out, (byte) 0);
                throw new IllegalArgumentException("base64: character at index " + i + " is not in the alphabet");
            }
            bits = (bits << 6) | v;
            bitCount += 6;
            if (bitCount >= 8) {
                bitCount -= 8;
                out[written++] = (byte) (bits >>> bitCount);
                bits &= (1 << bitCount) - 1;
            }
        }
        return out;
    }

    private static byte[] reverse(char[] alphabet) {
        byte[] values = new byte[128];
        Arrays.fill(values, (byte) -1);
        for (int i = 0; i < alphabet.length; i++) {
            values[alphabet[i]] = (byte) i;
        }
        return values;
    }
}
