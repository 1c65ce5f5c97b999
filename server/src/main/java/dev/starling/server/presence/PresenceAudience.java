package dev.starling.server.presence;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.rooms.RoomMembers;
import dev.starling.server.rooms.RoomStream;
import java.util.List;
import java.util.Set;

/** {@link Presence.Audience} over the rooms' current state: one read per call. */
public final class PresenceAudience implements Presence.Audience {
    private final RoomStream stream;
    private final RoomMembers members;

    public PresenceAudience(RoomStream stream, RoomMembers members) {
        this.stream = stream;
        this.members = members;
    }

    @Override
    public List<RoomId> joinedRooms(UserId user) {
        return stream.joinedRooms(user);
    }

    @Override
    public Set<UserId> usersSharingRoomWith(UserId user) {
        return members.usersSharingRoomWith(user);
    }

    @Override
    public Set<UserId> joinedMembers(RoomId roomId) {
        return members.joinedMembers(roomId);
    }
}
