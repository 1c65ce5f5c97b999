package dev.starling.protocol.id;

/**
 * An event ID. In room versions 4 and later (so in all versions Starling supports) it is {@code $} followed
 * by the event's reference hash in unpadded URL-safe base64, 43 characters. The older {@code $opaque:server}
 * form is also accepted so that such IDs can be named in errors and in history, but
 * {@link #isHashForm()} tells them apart.
 */
public record EventId(String value) {
    public EventId {
        Identifiers.checkHashOrServerForm(value, '$', InvalidIdentifierException.Kind.EVENT_ID,
                "must be '$' + 43 characters of unpadded URL-safe base64");
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
