package dev.starling.protocol.id;

import java.util.Optional;

/**
 * A room ID. Up to room version 11 it is {@code !opaque:server}; from version 12 it is {@code !} followed by
 * the create event's reference hash in unpadded URL-safe base64 (43 characters) with no server part.
 */
public record RoomId(String value) {
    public RoomId {
        Identifiers.checkHashOrServerForm(value, '!', InvalidIdentifierException.Kind.ROOM_ID,
                "neither '!opaque:server' nor '!' + 43 characters of URL-safe base64");
    }

    public static RoomId parse(String value) {
        return new RoomId(value);
    }

    /** The v12 room ID for a create event with the given reference hash (unpadded URL-safe base64). */
    public static RoomId fromCreateEventHash(String referenceHash) {
        return new RoomId("!" + referenceHash);
    }

    /** The server part, absent for room-version-12 IDs. */
    public Optional<ServerName> server() {
        int colon = value.indexOf(':');
        return colon < 0 ? Optional.empty() : Optional.of(new ServerName(value.substring(colon + 1)));
    }

    /** True for the room-version-12 form derived from the create event. */
    public boolean isHashForm() {
        return value.indexOf(':') < 0;
    }

    @Override
    public String toString() {
        return value;
    }
}
