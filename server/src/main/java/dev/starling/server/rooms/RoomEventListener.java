package dev.starling.server.rooms;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import java.util.Set;

/**
 * Told after events of a room have committed, with the local users concerned: those joined to or invited to
 * the room after the events, and the targets of member events among them (so a user who just left hears of
 * it). Called on the sender's thread, under the room's lock: it must be quick and must not block.
 */
@FunctionalInterface
public interface RoomEventListener {
    RoomEventListener NONE = (roomId, users) -> {};

    void committed(RoomId roomId, Set<UserId> users);
}
