package dev.starling.server.receipts;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.StreamChanges;
import dev.starling.server.storage.StreamPositions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Receipts on disk (table {@code receipts}, migration V5): the latest receipt per (room, type, user, thread),
 * each with the global stream position of its last change. A receipt never moves back: one for an event before
 * the stored one changes nothing (receipts are "up to" markers; Synapse does the same).
 */
public final class ReceiptStore {
    private static final int CHUNK = 500;

    private ReceiptStore() {}

    /** One stored receipt; {@code threadId} is empty for an unthreaded receipt. */
    record Receipt(RoomId roomId, String type, UserId user, String threadId, String eventId, long ts, long position) {}

    /**
     * Stores the receipt unless one at the same or a later event exists; returns whether it changed anything. One
     * upsert, so two devices sending the same receipt at once cannot collide.
     */
    static boolean put(Connection c, RoomId roomId, String type, UserId user, String threadId, String eventId,
            long eventOrdering, long ts) throws SQLException {
        long position = StreamPositions.next(c);
        StreamChanges.touch(changeKey(roomId), position);
        StreamChanges.touch(readKey(user, roomId), position);
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO receipts (room_id, receipt_type, user_id, thread_id, event_id, event_ordering, ts,
                    stream_position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (room_id, receipt_type, user_id, thread_id) DO UPDATE SET event_id = excluded.event_id,
                    event_ordering = excluded.event_ordering, ts = excluded.ts,
                    stream_position = excluded.stream_position
                WHERE excluded.event_ordering > receipts.event_ordering""")) {
            bindKey(s, roomId, type, user, threadId);
            s.setString(5, eventId);
            s.setLong(6, eventOrdering);
            s.setLong(7, ts);
            s.setLong(8, position);
            return s.executeUpdate() > 0;
        }
    }

    /**
     * A receipt of a remote user (an inbound {@code m.receipt} EDU), in a caller's transaction: stored like a
     * local one when the event is in the room; returns whether it changed anything.
     */
    public static boolean putRemote(Connection c, RoomId roomId, UserId user, String threadId, String eventId, long ts)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT stream_ordering FROM events WHERE event_id = ? AND room_id = ?")) {
            s.setString(1, eventId);
            s.setString(2, roomId.value());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return false;
                }
                return put(c, roomId, "m.read", user, threadId, eventId, r.getLong(1), ts);
            }
        }
    }

    /** The {@link StreamChanges} key of the room's receipts. */
    static Object changeKey(RoomId roomId) {
        return new ChangeKey(roomId);
    }

    private record ChangeKey(RoomId roomId) {}

    /** The {@link StreamChanges} key of one user's receipts in a room (what {@link #readUpTo} reads). */
    static Object readKey(UserId user, RoomId roomId) {
        return new ReadKey(user.value(), roomId.value());
    }

    private record ReadKey(String user, String room) {}

    /** Receipts of the rooms changed in {@code (after, upTo]}. */
    static List<Receipt> changed(Connection c, List<RoomId> rooms, long after, long upTo) throws SQLException {
        List<Receipt> receipts = new ArrayList<>();
        for (int from = 0; from < rooms.size(); from += CHUNK) {
            List<RoomId> chunk = rooms.subList(from, Math.min(rooms.size(), from + CHUNK));
            String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement s = c.prepareStatement("SELECT room_id, receipt_type, user_id, thread_id,"
                    + " event_id, ts, stream_position FROM receipts WHERE stream_position > ? AND stream_position <= ?"
                    + " AND room_id IN (" + marks + ") ORDER BY stream_position")) {
                s.setLong(1, after);
                s.setLong(2, upTo);
                for (int i = 0; i < chunk.size(); i++) {
                    s.setString(i + 3, chunk.get(i).value());
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        receipts.add(new Receipt(RoomId.parse(r.getString(1)), r.getString(2),
                                UserId.parse(r.getString(3)), r.getString(4), r.getString(5), r.getLong(6),
                                r.getLong(7)));
                    }
                }
            }
        }
        return receipts;
    }

    /**
     * How far the user has read in the room: the greatest event position of their {@code m.read} and
     * {@code m.read.private} receipts, whichever is ahead (Client-Server API § Receiving notifications); 0 if none.
     */
    public static long readUpTo(Connection c, UserId user, RoomId roomId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT MAX(event_ordering) FROM receipts"
                + " WHERE room_id = ? AND user_id = ? AND receipt_type IN ('m.read', 'm.read.private')")) {
            s.setString(1, roomId.value());
            s.setString(2, user.value());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : 0;
            }
        }
    }

    private static void bindKey(PreparedStatement s, RoomId roomId, String type, UserId user, String threadId)
            throws SQLException {
        s.setString(1, roomId.value());
        s.setString(2, type);
        s.setString(3, user.value());
        s.setString(4, threadId);
    }
}
