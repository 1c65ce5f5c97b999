package dev.starling.server.rooms;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import java.util.Objects;

/**
 * A client transaction ID, scoped to the device that sent it and the endpoint (Client-Server API §
 * Transaction identifiers). Like Synapse, we take the endpoint to be the request's path, so the room is part
 * of the scope; the room's lock then orders every use of one key.
 */
record TxnKey(UserId user, DeviceId device, RoomId room, String txnId) {
    TxnKey {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(txnId, "txnId");
    }
}
