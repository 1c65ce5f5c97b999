package dev.starling.server.aliases;

import dev.starling.protocol.id.RoomAlias;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The local alias table {@code room_aliases} (migration V7): alias → room, and who created the binding.
 * Methods take the caller's connection, so an alias can be bound in the transaction that creates its room.
 */
final class AliasStore {
    private AliasStore() {}

    /** A binding: the room and the user who made it. */
    record Binding(RoomId roomId, UserId creator) {}

    static Optional<Binding> get(Connection c, RoomAlias alias) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT room_id, creator FROM room_aliases WHERE room_alias = ?")) {
            s.setString(1, alias.value());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new Binding(RoomId.parse(r.getString(1)), UserId.parse(r.getString(2))))
                        : Optional.empty();
            }
        }
    }

    /**
     * Binds the alias unless it is taken. ON CONFLICT DO NOTHING rather than catching the violation: the same
     * code on both databases, and a PostgreSQL transaction is not left aborted.
     *
     * @return false if the alias was already bound (to any room)
     */
    static boolean create(Connection c, RoomAlias alias, RoomId roomId, UserId creator, long nowMs) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO room_aliases (room_alias, room_id, creator, created_ts) VALUES (?, ?, ?, ?)
                ON CONFLICT (room_alias) DO NOTHING""")) {
            s.setString(1, alias.value());
            s.setString(2, roomId.value());
            s.setString(3, creator.value());
            s.setLong(4, nowMs);
            return s.executeUpdate() == 1;
        }
    }

    /** @return false if there was no such alias */
    static boolean delete(Connection c, RoomAlias alias) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM room_aliases WHERE room_alias = ?")) {
            s.setString(1, alias.value());
            return s.executeUpdate() == 1;
        }
    }

    /** The room's local aliases, sorted. */
    static List<RoomAlias> aliasesOf(Connection c, RoomId roomId) throws SQLException {
        List<RoomAlias> aliases = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT room_alias FROM room_aliases WHERE room_id = ? ORDER BY room_alias")) {
            s.setString(1, roomId.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    aliases.add(RoomAlias.parse(r.getString(1)));
                }
            }
        }
        return aliases;
    }
}
