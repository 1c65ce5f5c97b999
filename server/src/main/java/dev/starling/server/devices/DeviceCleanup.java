package dev.starling.server.devices;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.keys.DeviceLists;
import dev.starling.server.keys.KeyStore;
import dev.starling.server.todevice.ToDeviceStore;
import dev.starling.server.users.DeviceRemoval;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * A deleted device takes its E2EE keys (recorded as a device-list change) and its pending to-device messages
 * with it, and the users who share a room with its owner are told to refresh their view of the owner's devices.
 */
public final class DeviceCleanup implements DeviceRemoval {
    private final DeviceLists deviceLists;

    public DeviceCleanup(DeviceLists deviceLists) {
        this.deviceLists = Objects.requireNonNull(deviceLists, "deviceLists");
    }

    @Override
    public void removing(Connection c, UserId user, DeviceId device) throws SQLException {
        KeyStore.deleteDeviceKeys(c, user, device);
        ToDeviceStore.deleteInbox(c, user, device);
    }

    @Override
    public void removed(UserId user) {
        deviceLists.wake(user);
    }
}
