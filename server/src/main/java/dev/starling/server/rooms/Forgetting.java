package dev.starling.server.rooms;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import dev.starling.server.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Forgetting rooms (Client-Server API § Leaving rooms, {@code POST /forget}): a user who has left (or was
 * kicked or banned) can forget the room; it then vanishes from their /sync leave sections and their
 * /messages. A new member event for the user (an invite, a join) ends the forgetting ({@link EventIndexes}).
 */
final class Forgetting {
    private final Database db;

    Forgetting(Database db) {
        this.db = db;
    }

    /**
     * Forgets; 400 M_UNKNOWN while the user is still joined, invited or knocking (the spec's "The user has
     * not left the room"). A room the user was never in (or that does not exist) is forgotten already: 200
     * with nothing stored, as in Synapse, so room IDs cannot be probed.
     */
    void forget(UserId user, RoomId roomId) {
        db.inTransaction(c -> {
            java.util.Optional<String> current = RoomStore.membership(c, roomId, user);
            if (current.isEmpty()) {
                return null;
            }
            String membership = current.get();
            if (!membership.equals("leave") && !membership.equals("ban")) {
                throw new MatrixException(dev.starling.server.http.ErrorCode.M_UNKNOWN,
                        "you have not left room " + roomId);
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO forgotten_rooms (user_id, room_id) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                s.setString(1, user.value());
                s.setString(2, roomId.value());
                s.executeUpdate();
            }
            return null;
        });
    }

    static boolean forgotten(Connection c, UserId user, RoomId roomId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM forgotten_rooms WHERE user_id = ? AND room_id = ?")) {
            s.setString(1, user.value());
            s.setString(2, roomId.value());
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }
}
