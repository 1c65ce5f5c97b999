package dev.starling.server.aliases;

import dev.starling.protocol.id.RoomId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The table {@code published_rooms} (migration V7): rooms whose directory visibility is "public". */
final class PublishedRooms {
    private PublishedRooms() {}

    static boolean isPublished(Connection c, RoomId roomId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM published_rooms WHERE room_id = ?")) {
            s.setString(1, roomId.value());
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    static void publish(Connection c, RoomId roomId, long nowMs) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO published_rooms (room_id, published_ts) VALUES (?, ?) ON CONFLICT (room_id) DO NOTHING""")) {
            s.setString(1, roomId.value());
            s.setLong(2, nowMs);
            s.executeUpdate();
        }
    }

    static void unpublish(Connection c, RoomId roomId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM published_rooms WHERE room_id = ?")) {
            s.setString(1, roomId.value());
            s.executeUpdate();
        }
    }

    static List<RoomId> all(Connection c) throws SQLException {
        List<RoomId> rooms = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT room_id FROM published_rooms ORDER BY room_id")) {
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rooms.add(RoomId.parse(r.getString(1)));
                }
            }
        }
        return rooms;
    }
}
