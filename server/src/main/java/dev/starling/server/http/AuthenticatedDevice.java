package dev.starling.server.http;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.UserId;
import java.util.Objects;

/** The user and device an access token belongs to. Holds no token, so it is safe to log. */
public record AuthenticatedDevice(UserId userId, DeviceId deviceId) {
    public AuthenticatedDevice {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
    }
}
