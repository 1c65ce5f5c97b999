package dev.starling.server.rooms;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import java.util.Set;

/**
 * Told after events of a room have committed, with the users the room's member events among them target (a
 * new invite, join, leave, kick or ban), so a user who is not (or no longer) joined hears of it too. Called on
 * the sender's thread, under the room's lock: it must be quick and must not block.
 */
@FunctionalInterface
public interface RoomEventListener {
    RoomEventListener NONE = (roomId, users) -> {};

    void committed(RoomId roomId, Set<UserId> memberTargets);

    /** As {@link #committed(RoomId, Set)}, also told how many events were committed (for metrics). */
    default void committed(RoomId roomId, Set<UserId> memberTargets, int events) {
        committed(roomId, memberTargets);
    }
}
