package dev.starling.server.users;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.UserId;

/** A logged-in device and the access token just issued for it. {@link #toString()} hides the token. */
public record Session(UserId userId, DeviceId deviceId, String accessToken) {
    @Override
    public String toString() {
        return "Session[" + userId + " " + deviceId + "]";
    }
}
