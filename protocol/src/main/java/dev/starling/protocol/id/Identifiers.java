package dev.starling.protocol.id;

import java.nio.charset.StandardCharsets;

/** Shared checks for the identifier grammars (spec: Appendices, "Identifier Grammar"). */
final class Identifiers {
    /** Identifiers (user, room, event IDs, aliases) are at most 255 bytes including sigil and domain. */
    static final int MAX_BYTES = 255;

    private Identifiers() {}

    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    static String quote(String input) {
        if (input == null) {
            return "null";
        }
        String shown = input.length() > 64 ? input.substring(0, 64) + "…" : input;
        StringBuilder sb = new StringBuilder("\"");
        for (char c : shown.toCharArray()) {
            sb.append(c < 0x20 || c == 0x7F ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.append('"').toString();
    }

    /**
     * Splits {@code sigil localpart ":" server} at the first colon, checking the sigil, the total length and
     * that the server part is a valid server name.
     */
    static String[] splitSigilled(String input, char sigil, InvalidIdentifierException.Kind kind) {
        if (input == null || input.isEmpty()) {
            throw new InvalidIdentifierException(kind, input, "empty");
        }
        if (input.charAt(0) != sigil) {
            throw new InvalidIdentifierException(kind, input, "must start with '" + sigil + "'");
        }
        if (utf8Length(input) > MAX_BYTES) {
            throw new InvalidIdentifierException(kind, input, "longer than " + MAX_BYTES + " bytes");
        }
        int colon = input.indexOf(':');
        if (colon < 0) {
            throw new InvalidIdentifierException(kind, input, "missing ':' before the server name");
        }
        return new String[] {input.substring(1, colon), input.substring(colon + 1)};
    }

    /**
     * Checks an identifier that is either {@code sigil + 43 characters of unpadded URL-safe base64} (a hash,
     * as event IDs and room-version-12 room IDs are) or the older {@code sigil opaque ":" server}.
     */
    static void checkHashOrServerForm(String value, char sigil, InvalidIdentifierException.Kind kind,
            String notAHash) {
        if (value == null || value.isEmpty()) {
            throw new InvalidIdentifierException(kind, value, "empty");
        }
        if (value.charAt(0) != sigil) {
            throw new InvalidIdentifierException(kind, value, "must start with '" + sigil + "'");
        }
        if (value.indexOf(':') < 0) {
            if (!isUnpaddedUrlSafeBase64(value.substring(1), 43)) {
                throw new InvalidIdentifierException(kind, value, notAHash);
            }
            return;
        }
        String[] parts = splitSigilled(value, sigil, kind);
        if (parts[0].isEmpty()) {
            throw new InvalidIdentifierException(kind, value, "empty opaque part");
        }
        try {
            ServerName.parse(parts[1]);
        } catch (InvalidIdentifierException e) {
            throw new InvalidIdentifierException(kind, value, e.getMessage());
        }
    }

    static boolean isUnpaddedUrlSafeBase64(String s, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
