package dev.starling.server.accountdata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.StreamChanges;
import dev.starling.server.storage.StreamPositions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Account data on disk (table {@code account_data}, migration V5): one row per (user, room or {@code ''} for
 * global, type), holding the latest content and the global stream position of its last change. Content is
 * client JSON kept as Jackson writes it (it may hold floats, so it is never canonical JSON). Static helpers on the
 * caller's connection, so that receipts can write {@code m.fully_read} in their own transaction.
 */
public final class AccountDataStore {
    static final String GLOBAL = "";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AccountDataStore() {}

    /** One changed entry: {@code roomId} empty for global account data. */
    record Entry(Optional<RoomId> roomId, String type, ObjectNode content, long position) {}

    /** The {@link StreamChanges} key of the user's account data, global and per room. */
    static Object changeKey(UserId user) {
        return new ChangeKey(user);
    }

    private record ChangeKey(UserId user) {}

    /** Sets one entry, taking a new stream position; returns it. */
    public static long put(Connection c, UserId user, Optional<RoomId> roomId, String type, ObjectNode content)
            throws SQLException {
        long position = StreamPositions.next(c);
        StreamChanges.touch(changeKey(user), position);
        String room = roomId.map(RoomId::value).orElse(GLOBAL);
        String json;
        try {
            json = JSON.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize account data", e);
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO account_data (user_id, room_id, type, content, stream_position) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (user_id, room_id, type) DO UPDATE SET content = excluded.content,
                    stream_position = excluded.stream_position""")) {
            s.setString(1, user.value());
            s.setString(2, room);
            s.setString(3, type);
            s.setString(4, json);
            s.setLong(5, position);
            s.executeUpdate();
        }
        return position;
    }

    /** The content of one entry. */
    public static Optional<ObjectNode> get(Connection c, UserId user, Optional<RoomId> roomId, String type)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT content FROM account_data WHERE user_id = ? AND room_id = ? AND type = ?")) {
            s.setString(1, user.value());
            s.setString(2, roomId.map(RoomId::value).orElse(GLOBAL));
            s.setString(3, type);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(parse(r.getString(1))) : Optional.empty();
            }
        }
    }

    /** The user's entries changed in {@code (after, upTo]}, oldest change first. */
    static List<Entry> changed(Connection c, UserId user, long after, long upTo) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT room_id, type, content, stream_position"
                + " FROM account_data WHERE user_id = ? AND stream_position > ? AND stream_position <= ?"
                + " ORDER BY stream_position")) {
            s.setString(1, user.value());
            s.setLong(2, after);
            s.setLong(3, upTo);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String room = r.getString(1);
                    entries.add(new Entry(room.isEmpty() ? Optional.empty() : Optional.of(RoomId.parse(room)),
                            r.getString(2), parse(r.getString(3)), r.getLong(4)));
                }
            }
        }
        return entries;
    }

    private static ObjectNode parse(String json) throws SQLException {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new SQLException("stored account data is not a JSON object", e);
        }
    }
}
