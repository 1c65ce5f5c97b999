package dev.starling.server.federation.edu;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.federation.sender.Destinations;
import dev.starling.server.federation.sender.FederationSender;
import dev.starling.server.presence.UserPresence;
import dev.starling.server.storage.Database;
import dev.starling.server.todevice.RemoteToDevice;
import dev.starling.server.typing.Typing;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The EDUs local users cause that are not read from a stream: {@code m.typing} (ephemeral, to the servers in the
 * room) and {@code m.direct_to_device} (durable, queued in the send's transaction, one EDU per destination).
 * Receipts and device lists are read from their streams by the sender ({@code sender.OutboundStreams}).
 * {@code m.presence} (ephemeral) goes to the servers sharing a room with the user (Server-Server API § Presence).
 */
public final class OutboundEdus implements Typing.Listener, RemoteToDevice, dev.starling.server.presence.Presence.Listener {
    private final ServerName self;
    private final Database db;
    private final FederationSender sender;

    public OutboundEdus(ServerName self, Database db, FederationSender sender) {
        this.self = self;
        this.db = db;
        this.sender = sender;
    }

    @Override
    public void typing(RoomId roomId, UserId user, boolean typing) {
        if (!user.server().equals(self)) {
            return; // a remote user's typing, applied from their server's EDU: theirs to send
        }
        Set<ServerName> to = db.read(c -> Destinations.inRoom(c, roomId.value(), self));
        if (to.isEmpty()) {
            return;
        }
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("room_id", roomId.value());
        content.put("user_id", user.value());
        content.put("typing", typing);
        sender.sendEphemeral(to, "m.typing", content);
    }

    /** A local user's presence changed: one {@code m.presence} EDU to every server sharing a room with them. */
    @Override
    public void changed(UserPresence presence, long nowMs) {
        if (!presence.user().server().equals(self)) {
            return; // a remote user's presence, applied from their server's EDU: theirs to send
        }
        Set<ServerName> to = db.read(c -> Destinations.sharingRoomWith(c, presence.user(), self));
        if (to.isEmpty()) {
            return;
        }
        ObjectNode update = presence.content(nowMs);
        update.put("user_id", presence.user().value());
        if (!update.has("last_active_ago")) {
            update.put("last_active_ago", 0); // required in the EDU (Server-Server API § Presence)
        }
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.putArray("push").add(update);
        sender.sendEphemeral(to, "m.presence", content);
    }

    @Override
    public Runnable queue(Connection c, UserId from, String type, String messageId,
            Map<UserId, Map<String, ObjectNode>> messages) throws SQLException {
        Map<ServerName, ObjectNode> byServer = new LinkedHashMap<>();
        for (Map.Entry<UserId, Map<String, ObjectNode>> user : messages.entrySet()) {
            ObjectNode forServer = byServer.computeIfAbsent(user.getKey().server(), s -> {
                ObjectNode content = JsonNodeFactory.instance.objectNode();
                content.put("sender", from.value());
                content.put("type", type);
                content.put("message_id", messageId);
                content.putObject("messages");
                return content;
            });
            ObjectNode devices = ((ObjectNode) forServer.get("messages")).putObject(user.getKey().value());
            user.getValue().forEach(devices::set);
        }
        List<ServerName> destinations = new ArrayList<>(byServer.keySet());
        for (Map.Entry<ServerName, ObjectNode> edu : byServer.entrySet()) {
            FederationSender.queueEdu(c, List.of(edu.getKey()), "m.direct_to_device", edu.getValue());
        }
        return () -> destinations.forEach(sender::wake);
    }
}
