package dev.starling.server.users;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.UserId;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What other areas remove together with a device (its E2EE keys, its pending to-device messages), in the
 * transaction that deletes it, and whom they tell after the commit (other users' device lists). However a
 * device goes — logout, logout from all devices, a password change, the devices API — it goes through
 * {@link DeviceStore#deleteDevices}, which calls this. {@code HomeServer} provides the implementation, so that
 * {@code users} depends on none of those areas.
 */
public interface DeviceRemoval {
    DeviceRemoval NONE = new DeviceRemoval() {
        @Override
        public void removing(Connection c, UserId user, DeviceId device) {}

        @Override
        public void removed(UserId user) {}
    };

    /** Inside the deleting transaction: remove what belongs to the device. */
    void removing(Connection c, UserId user, DeviceId device) throws SQLException;

    /** After the commit, once per call that removed at least one of the user's devices. */
    void removed(UserId user);
}
