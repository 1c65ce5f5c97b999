package dev.starling.protocol.id;

import dev.starling.protocol.ProtocolException;

/** A Matrix identifier that does not match its grammar; {@link #kind()} names which identifier. */
public final class InvalidIdentifierException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** Which kind of identifier failed to parse. */
    public enum Kind { SERVER_NAME, USER_ID, ROOM_ID, EVENT_ID, ROOM_ALIAS, DEVICE_ID, KEY_ID }

    private final Kind kind;

    InvalidIdentifierException(Kind kind, String input, String reason) {
        super("invalid " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " "
                + Identifiers.quote(input) + ": " + reason);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
