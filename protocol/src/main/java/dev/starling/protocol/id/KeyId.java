package dev.starling.protocol.id;

/**
 * A key ID {@code algorithm:identifier}, e.g. {@code ed25519:a_AbC} for a server signing key or
 * {@code ed25519:DEVICEID} for a device key. The algorithm is {@code [a-z0-9._-]+}; the identifier is any
 * non-empty text without whitespace or control characters (device IDs are opaque), at most 255 bytes in all.
 */
public record KeyId(String algorithm, String identifier) {
    public KeyId {
        InvalidIdentifierException.Kind kind = InvalidIdentifierException.Kind.KEY_ID;
        String whole = algorithm + ":" + identifier;
        if (algorithm == null || algorithm.isEmpty()) {
            throw new InvalidIdentifierException(kind, whole, "empty algorithm");
        }
        for (int i = 0; i < algorithm.length(); i++) {
            char c = algorithm.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
                throw new InvalidIdentifierException(kind, whole, "algorithm may only contain [a-z0-9._-]");
            }
        }
        if (identifier == null || identifier.isEmpty()) {
            throw new InvalidIdentifierException(kind, whole, "empty identifier");
        }
        for (int i = 0; i < identifier.length(); i++) {
            char c = identifier.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new InvalidIdentifierException(kind, whole, "identifier may not contain whitespace or control characters");
            }
        }
        if (Identifiers.utf8Length(whole) > Identifiers.MAX_BYTES) {
            throw new InvalidIdentifierException(kind, whole, "longer than " + Identifiers.MAX_BYTES + " bytes");
        }
    }

    public static KeyId parse(String value) {
        if (value == null) {
            throw new InvalidIdentifierException(InvalidIdentifierException.Kind.KEY_ID, null, "empty");
        }
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw new InvalidIdentifierException(InvalidIdentifierException.Kind.KEY_ID, value,
                    "missing ':' between algorithm and identifier");
        }
        return new KeyId(value.substring(0, colon), value.substring(colon + 1));
    }

    public static KeyId ed25519(String identifier) {
        return new KeyId("ed25519", identifier);
    }

    @Override
    public String toString() {
        return algorithm + ":" + identifier;
    }
}
