package dev.starling.server.push;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.rooms.RoomEvents;
import dev.starling.server.storage.Database;
import dev.starling.server.sync.Notifier;

/** Unread counts made from the database alone (nothing kept, no event windows), for tests in other packages. */
public final class UnreadFromDatabase {
    private UnreadFromDatabase() {}

    /** {notifications, highlights} of the user in the room at the committed stream position {@code upTo}. */
    public static long[] counts(Database db, UserId user, RoomId roomId, long upTo) {
        UnreadCountsSyncSource fresh = new UnreadCountsSyncSource(db, new RoomEvents(db),
                new PushRules(db, new Notifier()));
        return fresh.counts(user, roomId, new PushRules(db, new Notifier()).ruleset(user), upTo);
    }
}
