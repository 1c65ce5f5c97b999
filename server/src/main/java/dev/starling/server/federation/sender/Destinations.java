package dev.starling.server.federation.sender;

import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.rooms.RoomMembers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.TreeSet;

/** Which servers to send to, read from current state (joined members). */
public final class Destinations {
    private Destinations() {}

    /** The servers with a joined member in the room now, {@code self} excluded, in name order. */
    public static Set<ServerName> inRoom(Connection c, String roomId, ServerName self) throws SQLException {
        Set<ServerName> servers = new TreeSet<>((a, b) -> a.value().compareTo(b.value()));
        try (PreparedStatement s = c.prepareStatement("""
                SELECT state_key FROM current_state WHERE room_id = ? AND type = 'm.room.member' AND membership = 'join'""")) {
            s.setString(1, roomId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    add(servers, r.getString(1), self);
                }
            }
        }
        return servers;
    }

    /** The servers of the users sharing a room with {@code user}, {@code self} excluded. */
    public static Set<ServerName> sharingRoomWith(Connection c, UserId user, ServerName self) throws SQLException {
        Set<ServerName> servers = new TreeSet<>((a, b) -> a.value().compareTo(b.value()));
        for (UserId other : RoomMembers.usersSharingRoomWith(c, user)) {
            if (!other.server().equals(self)) {
                servers.add(other.server());
            }
        }
        return servers;
    }

    /** Every server with a joined member in a room where one of our users is joined, {@code self} excluded. */
    static Set<ServerName> sharingRooms(Connection c, ServerName self) throws SQLException {
        java.util.Map<String, Set<ServerName>> byRoom = new java.util.HashMap<>();
        Set<String> ours = new java.util.HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT room_id, state_key FROM current_state"
                + " WHERE type = 'm.room.member' AND membership = 'join'");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                String roomId = r.getString(1);
                String userId = r.getString(2);
                if (userId.endsWith(":" + self.value())) {
                    ours.add(roomId);
                } else {
                    add(byRoom.computeIfAbsent(roomId, k -> new java.util.HashSet<>()), userId, self);
                }
            }
        }
        Set<ServerName> servers = new TreeSet<>((a, b) -> a.value().compareTo(b.value()));
        ours.forEach(roomId -> servers.addAll(byRoom.getOrDefault(roomId, Set.of())));
        return servers;
    }

    static void add(Set<ServerName> servers, String userId, ServerName self) {
        try {
            ServerName server = UserId.parse(userId).server();
            if (!server.equals(self)) {
                servers.add(server);
            }
        } catch (InvalidIdentifierException e) {
            // not a user ID: no server to send to
        }
    }
}
