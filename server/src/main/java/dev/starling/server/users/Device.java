package dev.starling.server.users;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.UserId;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A device of a user, as stored.
 *
 * @param displayName the name the user gave it, if any
 * @param lastSeenTs  when it last made a request, in milliseconds since the epoch, if ever
 */
public record Device(UserId userId, DeviceId deviceId, Optional<String> displayName, OptionalLong lastSeenTs) {
    public Device {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(lastSeenTs, "lastSeenTs");
    }
}
