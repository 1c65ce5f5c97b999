package dev.starling.server.rooms;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.UserId;
import java.util.Objects;

/**
 * A client transaction ID, scoped to the device that sent it (Client-Server API § Transaction identifiers:
 * since v1.7 the scope is the device).
 */
record TxnKey(UserId user, DeviceId device, String txnId) {
    TxnKey {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(txnId, "txnId");
    }
}
