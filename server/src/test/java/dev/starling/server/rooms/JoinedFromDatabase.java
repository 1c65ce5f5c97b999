package dev.starling.server.rooms;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import java.util.List;

/** {@link RoomStream#joinedRooms} from memory and from the database, for tests in other packages. */
public final class JoinedFromDatabase {
    private JoinedFromDatabase() {}

    /** A stream over the database, with nothing kept yet. */
    public static RoomStream stream(dev.starling.server.storage.Database db) {
        return new RoomStream(db);
    }

    public static List<RoomId> kept(RoomStream stream, UserId user) {
        return stream.joinedRooms(user);
    }

    public static List<RoomId> read(RoomStream stream, UserId user) {
        return stream.readJoinedRooms(user);
    }
}
