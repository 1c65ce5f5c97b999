package dev.starling.server.receipts;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.Database;
import dev.starling.server.storage.StreamChanges;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each user's read-up-to mark per room ({@link ReceiptStore#readUpTo}) kept in memory, for the unread counts
 * every /sync computes. Exact like {@link StreamChanges}: every receipt write touches the key of its user and
 * room ({@link ReceiptStore#readKey}) inside its transaction, so a mark read when the stream was at {@code at}
 * is still the stored one at a later committed position while the key did not change after {@code at}. Empty
 * after a restart (the floor makes every old entry unknown). Bounded (cleared when full). Thread-safe.
 */
public final class ReadMarks {
    /** Marks kept, at most; all are dropped when full. */
    static final int MAX_KEPT = 100_000;

    private record Key(String user, String room) {}

    private record Kept(long readUpTo, long at) {}

    private final Database db;
    private final ConcurrentHashMap<Key, Kept> kept = new ConcurrentHashMap<>();

    public ReadMarks(Database db) {
        this.db = db;
    }

    /** {@link ReceiptStore#readUpTo} as of the committed stream position {@code upTo} (or later). */
    public long readUpTo(UserId user, RoomId roomId, long upTo) {
        Key key = new Key(user.value(), roomId.value());
        Kept known = kept.get(key);
        if (known != null
                && db.changes().unchangedSince(ReceiptStore.readKey(user, roomId), Math.min(known.at(), upTo))) {
            return known.readUpTo();
        }
        long read = db.read(c -> ReceiptStore.readUpTo(c, user, roomId));
        if (kept.size() >= MAX_KEPT) {
            kept.clear();
        }
        kept.merge(key, new Kept(read, upTo), (old, now) -> now.at() >= old.at() ? now : old);
        return read;
    }
}
