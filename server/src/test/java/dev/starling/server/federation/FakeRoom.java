package dev.starling.server.federation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.auth.AuthRules;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A room built in a test with the protocol library alone, as a resident server would hold it: every event
 * signed by {@code server}'s key, in one line of prev_events, checked by the auth rules as it is added.
 */
final class FakeRoom {
    private final RoomVersion version;
    private final ServerName server;
    private final SigningKey key;
    private final Map<StateKey, Pdu> state = new LinkedHashMap<>();
    private final Map<EventId, Pdu> events = new LinkedHashMap<>();
    private RoomId roomId;
    private Pdu last;

    private FakeRoom(RoomVersion version, ServerName server, SigningKey key) {
        this.version = version;
        this.server = server;
        this.key = key;
    }

    /** A public room created by {@code @creator:server}, with {@code members} more users of the server joined. */
    static FakeRoom publicRoom(RoomVersion version, ServerName server, SigningKey key, int members) {
        FakeRoom room = new FakeRoom(version, server, key);
        if (!version.roomIdIsCreateEventHash()) {
            room.roomId = RoomId.parse("!r" + Long.toHexString(System.nanoTime()) + ":" + server);
        }
        String creator = "@creator:" + server;
        room.add("m.room.create", "", creator, object().put("room_version", version.id()));
        room.add("m.room.member", creator, creator, object().put("membership", "join"));
        ObjectNode levels = object();
        if (!version.privilegedCreators()) {
            levels.putObject("users").put(creator, 100);
        }
        room.add("m.room.power_levels", "", creator, levels);
        room.add("m.room.join_rules", "", creator, object().put("join_rule", "public"));
        room.add("m.room.name", "", creator, object().put("name", "Big room"));
        for (int i = 0; i < members; i++) {
            String user = "@u" + i + ":" + server;
            room.add("m.room.member", user, user, object().put("membership", "join"));
        }
        return room;
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Adds a state event built, signed and authorised on the current state. */
    Pdu add(String type, String stateKey, String sender, ObjectNode content) {
        ObjectNode json = unsigned(type, stateKey, sender, content);
        Pdu event = Pdu.fromJson(EventSigning.sign(json, version, server, key), version);
        AuthRules.check(event, state);
        if (roomId == null) {
            roomId = event.roomId();
        }
        state.put(event.stateTuple(), event);
        events.put(event.eventId(), event);
        last = event;
        return event;
    }

    /** The next event of the room, unsigned (a template, or something to sign with another key). */
    ObjectNode unsigned(String type, String stateKey, String sender, ObjectNode content) {
        ObjectNode json = object();
        json.put("type", type);
        json.put("state_key", stateKey);
        json.put("sender", sender);
        json.set("content", content);
        boolean create = type.equals("m.room.create");
        if (!(create && version.roomIdIsCreateEventHash())) {
            json.put("room_id", roomId.value());
        }
        var prev = json.putArray("prev_events");
        var auth = json.putArray("auth_events");
        if (!create) {
            prev.add(last.eventId().value());
            for (StateKey k : AuthRules.authEventKeys(version, type, UserId.parse(sender), stateKey, content)) {
                Pdu event = state.get(k);
                if (event != null) {
                    auth.add(event.eventId().value());
                }
            }
        }
        json.put("depth", last == null ? 1 : last.depth() + 1);
        json.put("origin_server_ts", System.currentTimeMillis());
        return json;
    }

    /** {@code json} hashed and signed by the room's server, not added to the room. */
    Pdu signed(ObjectNode json) {
        return Pdu.fromJson(EventSigning.sign(json, version, server, key), version);
    }

    /** Another room of the same server and key. */
    FakeRoom sibling(int members) {
        return publicRoom(version, server, key, members);
    }

    /** A make_join answer for {@code user}. */
    ObjectNode makeJoin(String user) {
        ObjectNode answer = object();
        answer.put("room_version", version.id());
        answer.set("event", unsigned("m.room.member", user, user, object().put("membership", "join")));
        return answer;
    }

    /** A send_join answer: the state and its whole auth chain. */
    ObjectNode sendJoin(ObjectNode join) {
        ObjectNode answer = object();
        var stateArray = answer.putArray("state");
        state.values().forEach(e -> stateArray.add(e.json()));
        var chain = answer.putArray("auth_chain");
        authChain().forEach(e -> chain.add(e.json()));
        answer.put("members_omitted", false);
        answer.putArray("servers_in_room").add(server.value());
        answer.put("origin", server.value());
        answer.set("event", join);
        return answer;
    }

    List<Pdu> authChain() {
        Map<EventId, Pdu> seen = new HashMap<>();
        List<Pdu> todo = new ArrayList<>(state.values());
        while (!todo.isEmpty()) {
            Pdu event = todo.remove(todo.size() - 1);
            for (EventId id : event.authEvents()) {
                Pdu auth = events.get(id);
                if (auth != null && seen.put(id, auth) == null) {
                    todo.add(auth);
                }
            }
        }
        return List.copyOf(seen.values());
    }

    RoomId roomId() {
        return roomId;
    }

    RoomVersion version() {
        return version;
    }

    Map<StateKey, Pdu> state() {
        return state;
    }
}
