package dev.starling.protocol.id;

/**
 * An event ID. In room versions 4 and later (so in all versions Starling supports) it is {@code $} followed
 * by the event's reference hash in unpadded URL-safe base64, 43 characters. The older {@code $opaque:server}
 * form is also accepted so that such IDs can be named in errors and in history, but
 * {@link #isHashForm()} tells them apart.
 */
public record EventId(String value) {
    public EventId {
        InvalidIdentifierException.Kind kind = InvalidIdentifierException.Kind.EVENT_ID;
        if (value == null || value.isEmpty()) {
            throw new InvalidIdentifierException(kind, value, "empty");
        }
        if (value.charAt(0) != '$') {
            throw new InvalidIdentifierException(kind, value, "must start with '$'");
        }
        if (value.indexOf(':') < 0) {
            if (!Identifiers.isUnpaddedUrlSafeBase64(value.substring(1), 43)) {
                throw new InvalidIdentifierException(kind, value,
                        "must be '$' + 43 characters of unpadded URL-safe base64");
            }
        } else {
            String[] parts = Identifiers.splitSigilled(value, '$', kind);
            if (parts[0].isEmpty()) {
                throw new InvalidIdentifierException(kind, value, "empty opaque part");
            }
            try {
                ServerName.parse(parts[1]);
            } catch (InvalidIdentifierException e) {
                throw new InvalidIdentifierException(kind, value, e.getMessage());
            }
        }
    }

    public static EventId parse(String value) {
        return new EventId(value);
    }

    public static EventId fromReferenceHash(String referenceHash) {
        return new EventId("$" + referenceHash);
    }

    public boolean isHashForm() {
        return value.indexOf(':') < 0;
    }

    @Override
    public String toString() {
        return value;
    }
}
