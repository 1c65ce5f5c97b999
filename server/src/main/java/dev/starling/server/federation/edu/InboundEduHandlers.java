package dev.starling.server.federation.edu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.federation.InboundEdus;
import dev.starling.server.keys.DeviceLists;
import dev.starling.server.keys.FederatedKeys;
import dev.starling.server.presence.Presence;
import dev.starling.server.presence.PresenceState;
import dev.starling.server.receipts.ReceiptStore;
import dev.starling.server.rooms.RoomMembers;
import dev.starling.server.storage.Database;
import dev.starling.server.sync.Notifier;
import dev.starling.server.todevice.ToDeviceStore;
import dev.starling.server.typing.Typing;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EDUs of inbound transactions, applied to the local streams (Server-Server API § EDUs; SECURITY.md item
 * 18): every user an EDU speaks for must belong to the origin, and typing and receipts only count in rooms
 * that user is joined to; presence only of users sharing a room with a local user. Anything else is dropped
 * and logged; nothing throws.
 */
public final class InboundEduHandlers implements InboundEdus {
    private static final Logger LOG = LoggerFactory.getLogger(InboundEduHandlers.class);
    /** A remote typing notification lasts as long as the longest local one; the origin renews it. */
    private static final java.time.Duration REMOTE_TYPING = Typing.MAX_TIMEOUT;
    /** Presence updates read of one m.presence EDU, at most (a transaction carries at most 100 EDUs). */
    static final int MAX_PRESENCE_UPDATES = 100;

    private final ServerName self;
    private final Database db;
    private final Typing typing;
    private final Notifier notifier;
    private final DeviceLists deviceLists;
    private final Clock clock;
    private final Presence presence;

    public InboundEduHandlers(ServerName self, Database db, Typing typing, Notifier notifier, DeviceLists deviceLists,
            Clock clock, Presence presence) {
        this.presence = presence;
        this.self = self;
        this.db = db;
        this.typing = typing;
        this.notifier = notifier;
        this.deviceLists = deviceLists;
        this.clock = clock;
    }

    @Override
    public void receive(ServerName origin, String eduType, ObjectNode content) {
        try {
            switch (eduType) {
                case "m.typing" -> typing(origin, content);
                case "m.receipt" -> receipts(origin, content);
                case "m.device_list_update", "m.signing_key_update" -> deviceList(origin, eduType, content);
                case "m.direct_to_device" -> toDevice(origin, content);
                case "m.presence" -> presence(origin, content);
                default -> LOG.debug("edu ignored origin={} type={}", origin, eduType);
            }
        } catch (Dropped e) {
            LOG.info("edu dropped origin={} type={} reason={}", origin, eduType, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("edu failed origin={} type={} error={}", origin, eduType, e.toString());
        }
    }

    /** A reason to drop an EDU (not an error of ours). */
    private static final class Dropped extends RuntimeException {
        Dropped(String why) {
            super(why, null, false, false);
        }
    }

    private void typing(ServerName origin, ObjectNode content) {
        RoomId roomId = roomId(content.path("room_id"));
        UserId user = userOf(origin, content.path("user_id"));
        JsonNode isTyping = content.path("typing");
        if (!isTyping.isBoolean()) {
            throw new Dropped("typing is not a boolean");
        }
        if (!joined(user, roomId)) {
            throw new Dropped("the user is not in the room");
        }
        if (isTyping.booleanValue()) {
            typing.start(roomId, user, REMOTE_TYPING);
        } else {
            typing.stop(roomId, user);
        }
    }

    /** {@code {room_id: {"m.read": {user_id: {event_ids: [...], data: {ts, thread_id?}}}}}}. */
    private void receipts(ServerName origin, ObjectNode content) {
        Set<RoomId> changed = new HashSet<>();
        for (Map.Entry<String, JsonNode> room : content.properties()) {
            RoomId roomId;
            try {
                roomId = RoomId.parse(room.getKey());
            } catch (InvalidIdentifierException e) {
                LOG.info("receipt dropped origin={} reason=bad_room_id", origin);
                continue;
            }
            JsonNode byUser = room.getValue().path("m.read");
            if (!byUser.isObject()) {
                continue;
            }
            for (Map.Entry<String, JsonNode> entry : byUser.properties()) {
                try {
                    UserId user = userOf(origin, textNode(entry.getKey()));
                    if (!joined(user, roomId)) {
                        throw new Dropped("the user is not in the room");
                    }
                    JsonNode eventIds = entry.getValue().path("event_ids");
                    JsonNode data = entry.getValue().path("data");
                    JsonNode thread = data.path("thread_id");
                    String threadId = thread.isTextual() && !thread.asText().isEmpty() ? thread.asText() : "";
                    long ts = data.path("ts").canConvertToLong() ? data.path("ts").asLong() : clock.millis();
                    if (!eventIds.isArray() || eventIds.isEmpty() || !eventIds.get(0).isTextual()) {
                        throw new Dropped("event_ids is not a list of event IDs");
                    }
                    String eventId = eventIds.get(0).asText();
                    if (db.inTransaction(c -> ReceiptStore.putRemote(c, roomId, user, threadId, eventId, ts))) {
                        changed.add(roomId);
                    }
                } catch (Dropped e) {
                    LOG.info("receipt dropped origin={} room_id={} reason={}", origin, roomId, e.getMessage());
                }
            }
        }
        changed.forEach(notifier::wakeRoom);
    }

    /** The device list (or cross-signing keys) of a remote user changed: local users sharing a room query again. */
    private void deviceList(ServerName origin, String type, ObjectNode content) {
        UserId user = userOf(origin, content.path("user_id"));
        boolean shared = db.inTransaction(c -> {
            boolean anyLocal = RoomMembers.usersSharingRoomWith(c, user).stream()
                    .anyMatch(u -> u.server().equals(self));
            if (anyLocal) {
                FederatedKeys.remoteDevicesChanged(c, user);
            }
            return anyLocal;
        });
        if (!shared) {
            throw new Dropped("no local user shares a room with " + user);
        }
        deviceLists.wake(user);
    }

    /** {@code {sender, type, message_id, messages: {user_id: {device_id or "*": content}}}}. */
    private void toDevice(ServerName origin, ObjectNode content) {
        UserId sender = userOf(origin, content.path("sender"));
        JsonNode type = content.path("type");
        JsonNode messageId = content.path("message_id");
        JsonNode messages = content.path("messages");
        if (!type.isTextual() || type.asText().isEmpty() || !messageId.isTextual() || messageId.asText().isEmpty()
                || messageId.asText().length() > 255 || !messages.isObject()) {
            throw new Dropped("malformed m.direct_to_device");
        }
        Set<UserId> recipients = new HashSet<>();
        db.inTransaction(c -> {
            if (!ToDeviceStore.recordRemoteMessage(c, sender, messageId.asText(), clock.millis())) {
                return null; // seen before: a retried transaction
            }
            for (Map.Entry<String, JsonNode> user : messages.properties()) {
                UserId recipient;
                try {
                    recipient = UserId.parse(user.getKey());
                } catch (InvalidIdentifierException e) {
                    continue;
                }
                if (!recipient.server().equals(self) || !user.getValue().isObject()) {
                    continue;
                }
                for (Map.Entry<String, JsonNode> device : user.getValue().properties()) {
                    if (device.getValue() instanceof ObjectNode message
                            && ToDeviceStore.deliverRemote(c, sender, type.asText(), recipient, device.getKey(),
                                    message) > 0) {
                        recipients.add(recipient);
                    }
                }
            }
            return null;
        });
        recipients.forEach(notifier::wakeUser);
    }

    /**
     * {@code {push: [{user_id, presence, last_active_ago, status_msg?, currently_active?}]}}: each update about a
     * user of the origin who shares a room with a local user is kept; others are dropped one by one. At most
     * {@link #MAX_PRESENCE_UPDATES} updates are read.
     */
    private void presence(ServerName origin, ObjectNode content) {
        JsonNode push = content.path("push");
        if (!push.isArray()) {
            throw new Dropped("push is not a list");
        }
        int read = 0;
        for (JsonNode update : push) {
            if (read++ >= MAX_PRESENCE_UPDATES) {
                LOG.info("presence dropped origin={} reason=too_many_updates", origin);
                break;
            }
            try {
                UserId user = userOf(origin, update.path("user_id"));
                PresenceState state = PresenceState.parse(update.path("presence").asText(""))
                        .orElseThrow(() -> new Dropped("presence is not online, unavailable or offline"));
                JsonNode ago = update.path("last_active_ago");
                JsonNode msg = update.path("status_msg");
                if (!ago.canConvertToLong() || !ago.isIntegralNumber() || ago.asLong() < 0
                        || !(msg.isMissingNode() || msg.isNull() || msg.isTextual())
                        || msg.asText("").getBytes(java.nio.charset.StandardCharsets.UTF_8).length > dev.starling.server.presence.PresenceApi.MAX_STATUS_MSG_BYTES) {
                    throw new Dropped("malformed presence update");
                }
                boolean shared = db.read(c -> RoomMembers.usersSharingRoomWith(c, user).stream()
                        .anyMatch(u -> u.server().equals(self)));
                if (!shared) {
                    throw new Dropped("no local user shares a room with the user");
                }
                java.util.Optional<String> statusMsg = msg.isTextual() && !msg.asText().isEmpty()
                        ? java.util.Optional.of(msg.asText()) : java.util.Optional.empty();
                if (!presence.remote(user, state, statusMsg, ago.asLong(), update.path("currently_active").asBoolean(false))) {
                    throw new Dropped("presence of too many remote users kept");
                }
            } catch (Dropped e) {
                LOG.info("presence dropped origin={} reason={}", origin, e.getMessage());
            }
        }
    }

    private boolean joined(UserId user, RoomId roomId) {
        return db.read(c -> {
            try (var s = c.prepareStatement("""
                    SELECT 1 FROM current_state WHERE room_id = ? AND type = 'm.room.member' AND state_key = ?
                    AND membership = 'join'""")) {
                s.setString(1, roomId.value());
                s.setString(2, user.value());
                try (var r = s.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    private static JsonNode textNode(String value) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(value);
    }

    private static RoomId roomId(JsonNode node) {
        if (!node.isTextual()) {
            throw new Dropped("room_id is missing");
        }
        try {
            return RoomId.parse(node.asText());
        } catch (InvalidIdentifierException e) {
            throw new Dropped("room_id is not a room ID");
        }
    }

    /** The user ID in {@code node}, which must belong to {@code origin} (a server speaks only for its users). */
    private static UserId userOf(ServerName origin, JsonNode node) {
        if (!node.isTextual()) {
            throw new Dropped("user ID is missing");
        }
        UserId user;
        try {
            user = UserId.parse(node.asText());
        } catch (InvalidIdentifierException e) {
            throw new Dropped("not a user ID");
        }
        if (!user.server().equals(origin)) {
            throw new Dropped("user " + user + " is not of the origin");
        }
        return user;
    }
}
