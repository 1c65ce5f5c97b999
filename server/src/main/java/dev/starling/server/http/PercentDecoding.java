package dev.starling.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Percent-decoding of one URI component into UTF-8 text, strictly: a malformed escape or bytes that are not
 * UTF-8 give empty, never a guess. Each path segment is decoded once, after splitting on {@code /}, so an
 * encoded {@code %2F} stays inside its parameter.
 */
final class PercentDecoding {
    private PercentDecoding() {}

    /** Decodes a path segment ({@code +} is a plain plus sign). */
    static Optional<String> pathSegment(String raw) {
        return decode(raw, false);
    }

    /** Decodes a query-string name or value ({@code +} is a space, as browsers encode forms). */
    static Optional<String> queryComponent(String raw) {
        return decode(raw, true);
    }

    private static Optional<String> decode(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
            return Optional.of(raw);
        }
        // An escape gives one byte for three characters; a raw character at most three bytes (a pair four).
        byte[] bytes = new byte[raw.length() * 3];
        int length = 0;
        boolean ascii = true;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return Optional.empty();
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return Optional.empty();
                }
                bytes[length++] = (byte) (high << 4 | low);
                ascii &= high < 8;
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes[length++] = ' ';
            } else if (c < 0x80) {
                bytes[length++] = (byte) c;
            } else {
                // A raw non-ASCII character in a URI is not allowed, but encode it rather than guess.
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
                    utf8 = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                System.arraycopy(utf8, 0, bytes, length, utf8.length);
                length += utf8.length;
                ascii = false;
            }
        }
        if (ascii) {
            return Optional.of(new String(bytes, 0, length, StandardCharsets.US_ASCII));
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
