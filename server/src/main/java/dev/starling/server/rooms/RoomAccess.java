package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.auth.AuthException;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the areas built on rooms (the alias and room directories, profiles) may read and do in a room,
 * without reaching into the store: the current state with no visibility applied (callers check membership
 * or world_readable themselves, as each endpoint's rule says), a dry-run of the auth rules, and state events
 * sent through the normal pipeline. Thread-safe.
 */
public final class RoomAccess {
    private final Database db;
    private final EventSender sender;
    private final RoomLocks locks;

    RoomAccess(Database db, EventSender sender, RoomLocks locks) {
        this.db = db;
        this.sender = sender;
        this.locks = locks;
    }

    /** True when this server has the room. */
    public boolean exists(RoomId roomId) {
        return db.read(c -> RoomStore.room(c, roomId)).isPresent();
    }

    /** The user's current membership ("join", "leave"…), empty if they never had one. */
    public Optional<String> membership(RoomId roomId, UserId user) {
        return db.read(c -> RoomStore.membership(c, roomId, user));
    }

    /** Rooms where the user's current membership is join. */
    public List<RoomId> joinedRooms(UserId user) {
        return db.read(c -> RoomStore.joinedRooms(c, user));
    }

    /** The contents of the room's current state at {@code keys}, read in one snapshot; absent keys are left out. */
    public Map<StateKey, ObjectNode> currentState(RoomId roomId, Collection<StateKey> keys) {
        return db.read(c -> {
            Map<StateKey, ObjectNode> out = new HashMap<>();
            for (StateKey key : keys) {
                Optional<String> id = RoomStore.stateEventId(c, roomId, key);
                if (id.isPresent()) {
                    out.put(key, EventStore.pdu(c, id.get()).content().deepCopy());
                }
            }
            return out;
        });
    }

    /** The number of users whose current membership is join. */
    public long joinedMemberCount(RoomId roomId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT COUNT(*) FROM current_state WHERE room_id = ? AND type = 'm.room.member'
                    AND membership = 'join'""")) {
                s.setString(1, roomId.value());
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }

    /**
     * Whether the auth rules would let {@code user} send a state event of {@code type} (with the current
     * content at that key, or an empty one) now: the event is built and checked, never stored. This is "has
     * the power level to send it", with every room version's rules (v12 creators included) applied.
     */
    public boolean maySendState(UserId user, RoomId roomId, String type, String stateKey) {
        Optional<RoomStore.RoomInfo> room = db.read(c -> RoomStore.room(c, roomId));
        if (room.isEmpty()) {
            return false;
        }
        ObjectNode content = currentState(roomId, List.of(new StateKey(type, stateKey))).getOrDefault(
                new StateKey(type, stateKey), RoomsApi.object());
        EventBuilder.Request request = EventBuilder.Request.state(user, type, stateKey, content);
        RoomDraft draft = db.read(c -> RoomStore.draft(c, room.get(), request.authKeys(room.get().version())));
        try {
            sender.builder().build(draft, request);
            return true;
        } catch (AuthException e) {
            return false;
        }
    }

    /**
     * Sends a state event as {@code user} through the event pipeline (the auth rules decide).
     *
     * @throws dev.starling.server.http.MatrixException 403 for an unknown room or a refused event
     */
    public EventId sendState(UserId user, RoomId roomId, String type, String stateKey, ObjectNode content) {
        return sender.send(roomId, EventBuilder.Request.state(user, type, stateKey, content), Optional.empty(),
                () -> Membership.notInRoom(roomId));
    }

    /**
     * Sends a new {@code m.room.member} join event for {@code user} carrying {@code profile}'s
     * {@code displayname} and {@code avatar_url} (a field missing from it is left out), under the room's lock,
     * so only if the user is joined at that moment.
     *
     * @return the new event, or empty if the user is not joined or the member event already says the same
     */
    public Optional<EventId> updateMemberProfile(UserId user, RoomId roomId, ObjectNode profile) {
        return locks.withLock(roomId, () -> {
            StateKey key = new StateKey(EventTypes.MEMBER, user.value());
            Optional<Pdu> current = db.read(c -> {
                Optional<String> id = RoomStore.stateEventId(c, roomId, key);
                return id.isPresent() ? Optional.of(EventStore.pdu(c, id.get())) : Optional.<Pdu>empty();
            });
            if (current.isEmpty() || !RoomReader.JOIN.equals(current.get().content().path("membership").asText())) {
                return Optional.<EventId>empty();
            }
            // A fresh join content, as a join would carry it (Synapse does the same on a profile change).
            ObjectNode content = RoomCreation.membership(RoomReader.JOIN);
            for (String field : List.of("displayname", "avatar_url")) {
                JsonNode value = profile.get(field);
                if (value != null && value.isTextual()) {
                    content.set(field, value.deepCopy());
                }
            }
            if (content.equals(current.get().content())) {
                return Optional.<EventId>empty();
            }
            return Optional.of(sendState(user, roomId, EventTypes.MEMBER, user.value(), content));
        });
    }
}
