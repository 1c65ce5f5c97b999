package dev.starling.server.presence;

import java.util.Optional;

/** The {@code presence} of a user (Client-Server API § Presence): online, unavailable (idle) or offline. */
public enum PresenceState {
    ONLINE("online"),
    UNAVAILABLE("unavailable"),
    OFFLINE("offline");

    private final String wire;

    PresenceState(String wire) {
        this.wire = wire;
    }

    /** The value on the wire. */
    public String wire() {
        return wire;
    }

    /** The state named {@code value} exactly, or empty. */
    public static Optional<PresenceState> parse(String value) {
        for (PresenceState state : values()) {
            if (state.wire.equals(value)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }
}
