package dev.starling.server.rooms;

import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.StreamChanges;
import dev.starling.server.storage.StreamPositions;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The {@link StreamChanges} keys of room events: each stored timeline event (a positive stream position)
 * touches its room, and a member event also the user it targets. Every path that inserts an event row calls
 * {@link #stored} inside its transaction ({@code EventStore.insertEvent}, {@code RemoteRoomStore}); /sync
 * ({@link RoomStream}) skips rooms, and its membership read, when their keys did not change after {@code since}.
 */
public final class RoomChanges {
    private RoomChanges() {}

    /** The key of the room's timeline: changed whenever an event is stored in it at a stream position. */
    record RoomKey(String roomId) {}

    /** The key of the member events targeting a user (joins, invites, leaves, kicks, bans), in any room. */
    record MemberKey(String userId) {}

    /** The key of a room's member events, whoever they target ({@link RoomMembers#membershipChanges}). */
    record MembersKey(String roomId) {}

    /**
     * The key of a room's current state: touched wherever {@code rooms.state_group} changes (a state event
     * stored, a state resolution, an out-of-band member event), read by {@link RoomEvents#pushContext}.
     */
    record CurrentStateKey(String roomId) {}

    /**
     * The key of an event that a stored redaction or bundled relation (edit, thread, reference) names: touched by
     * {@link EventIndexes}, read by {@link ServedEvents} to serve new events without looking either up. One per
     * event named, so forgettable: past the limit they are forgotten and older events are looked up again.
     */
    record NamedKey(String eventId) implements StreamChanges.Forgettable {}

    public static Object room(RoomId roomId) {
        return new RoomKey(roomId.value());
    }

    public static Object member(UserId user) {
        return new MemberKey(user.value());
    }

    public static Object members(RoomId roomId) {
        return new MembersKey(roomId.value());
    }

    static Object currentState(RoomId roomId) {
        return new CurrentStateKey(roomId.value());
    }

    /**
     * Records that the room's current state changed, in the transaction that changed it, at the stream position
     * of the event that changed it (a room joined over federation: its join's, which {@link EventStore#persist}
     * records). An outlier reached through the DAG keeps its hidden position (not positive): the change then
     * takes a position of its own, after every cut a reader may have taken before this commit.
     */
    static void currentStateChanged(Connection c, RoomId roomId, long position) throws SQLException {
        StreamChanges.touch(new CurrentStateKey(roomId.value()), position > 0 ? position : StreamPositions.next(c));
    }

    static Object named(String eventId) {
        return new NamedKey(eventId);
    }

    /**
     * Records that a stored event names {@code eventId}, at the namer's position; an outlier's (hidden, not
     * positive) takes a position of its own. Positive matters once named keys are forgotten: the last position
     * then known must be at or after the named event's, which was stored before its namer.
     */
    static void named(Connection c, String eventId, long ordering) throws SQLException {
        StreamChanges.touch(new NamedKey(eventId), ordering > 0 ? ordering : StreamPositions.next(c));
    }

    /** Records a stored event; hidden events (outliers, soft-failed, rejected: no position) are not news. */
    static void stored(Pdu event, long ordering) {
        if (ordering <= 0) {
            return;
        }
        StreamChanges.touch(new RoomKey(event.roomId().value()), ordering);
        if (EventTypes.MEMBER.equals(event.type())) {
            event.stateKey().ifPresent(target -> StreamChanges.touch(new MemberKey(target), ordering));
            StreamChanges.touch(new MembersKey(event.roomId().value()), ordering);
        }
    }
}
