package dev.starling.protocol.rooms;

import dev.starling.protocol.ProtocolException;

/** A room version Starling does not implement; the Matrix error for it is {@code M_UNSUPPORTED_ROOM_VERSION}. */
public final class UnsupportedRoomVersionException extends ProtocolException {
    private static final long serialVersionUID = 1L;
    private final String version;

    public UnsupportedRoomVersionException(String version) {
        super("unsupported room version " + (version == null ? "null" : '"' + version + '"')
                + "; supported: " + RoomVersion.supportedIds());
        this.version = version;
    }

    public String version() {
        return version;
    }
}
