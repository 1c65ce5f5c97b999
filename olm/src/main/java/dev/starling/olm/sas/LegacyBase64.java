package dev.starling.olm.sas;

/**
 * libolm's {@code olm_sas_calculate_mac} base64-encodes the MAC into the buffer that holds it, so each group of
 * four output characters overwrites input bytes not yet read. This reproduces that output for the deprecated
 * {@code hkdf-hmac-sha256} MAC method.
 */
final class LegacyBase64 {
    private static final byte[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private LegacyBase64() {
    }

    static String encodeInPlace(byte[] input) {
        int length = input.length;
        byte[] buffer = new byte[(length + 2) / 3 * 4];
        System.arraycopy(input, 0, buffer, 0, length);
        int in = 0;
        int out = 0;
        int end = length / 3 * 3;
        while (in != end) {
            int value = (buffer[in] & 0xFF) << 16 | (buffer[in + 1] & 0xFF) << 8 | (buffer[in + 2] & 0xFF);
            in += 3;
            buffer[out + 3] = ALPHABET[value & 0x3F];
            buffer[out + 2] = ALPHABET[(value >>> 6) & 0x3F];
            buffer[out + 1] = ALPHABET[(value >>> 12) & 0x3F];
            buffer[out] = ALPHABET[(value >>> 18) & 0x3F];
            out += 4;
        }
        int rest = length - end;
        int result = out;
        if (rest > 0) {
            int value = buffer[in] & 0xFF;
            if (rest == 2) {
                value = value << 8 | (buffer[in + 1] & 0xFF);
                value <<= 2;
                buffer[out + 2] = ALPHABET[value & 0x3F];
                value >>>= 6;
                result += 3;
            } else {
                value <<= 4;
                result += 2;
            }
            buffer[out + 1] = ALPHABET[value & 0x3F];
            value >>>= 6;
            buffer[out] = ALPHABET[value];
        }
        out = result;
        return new String(buffer, 0, out, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
