package dev.starling.protocol.id;

/**
 * A device ID. The spec leaves it opaque; Starling requires 1 to 255 bytes of printable characters with no
 * whitespace, so that it is safe in key IDs ({@code ed25519:DEVICE}) and logs.
 */
public record DeviceId(String value) {
    public DeviceId {
        InvalidIdentifierException.Kind kind = InvalidIdentifierException.Kind.DEVICE_ID;
        if (value == null || value.isEmpty()) {
            throw new InvalidIdentifierException(kind, value, "empty");
        }
        if (Identifiers.utf8Length(value) > Identifiers.MAX_BYTES) {
            throw new InvalidIdentifierException(kind, value, "longer than " + Identifiers.MAX_BYTES + " bytes");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSurrogate(c) && !validPair(value, i)) {
                throw new InvalidIdentifierException(kind, value, "whitespace, control characters and lone surrogates are not allowed");
            }
            if (Character.isHighSurrogate(c)) {
                i++;
            }
        }
    }

    private static boolean validPair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }

    public static DeviceId parse(String value) {
        return new DeviceId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
