package dev.starling.protocol.stateres;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the events of a test room with readable event IDs ({@code $NAME:example.com}) in any supported room
 * version. In room version 12 the create event's ID is hash-shaped (the room ID is derived from it), its
 * {@code room_id} is absent, and other events never cite it; before 12 every other event cites it.
 */
final class TestRoom {
    static final String ALICE = "@alice:example.com";
    static final String BOB = "@bob:example.com";
    static final String CHARLIE = "@charlie:example.com";
    static final String EVELYN = "@evelyn:example.com";
    static final String ZARA = "@zara:example.com";

    /** 43 characters of URL-safe base64: the v12 create event's "hash", and so the room ID. */
    private static final String CREATE_HASH = "CreateEventOfTheStarlingStateResTestRoom000";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    final RoomVersion version;
    private final String roomId;
    private final Map<String, Pdu> byName = new LinkedHashMap<>();
    private final Map<EventId, Pdu> byId = new HashMap<>();
    private long clock;

    TestRoom(RoomVersion version) {
        this.version = version;
        this.roomId = version.roomIdIsCreateEventHash() ? "!" + CREATE_HASH : "!test:example.com";
    }

    /** The event ID of a named event: {@code $NAME:example.com}, but hash-shaped for the v12 create event. */
    EventId id(String name) {
        if (version.roomIdIsCreateEventHash() && "CREATE".equals(name)) {
            return new EventId("$" + CREATE_HASH);
        }
        return new EventId("$" + name + ":example.com");
    }

    /** Adds the create event, named CREATE, sent by Alice. */
    Pdu create() {
        ObjectNode content = JSON.objectNode().put("room_version", version.id());
        if (!version.creatorIsSender()) {
            content.put("creator", ALICE);
        }
        return add("CREATE", ALICE, EventTypes.CREATE, "", content, List.of(), List.of());
    }

    /**
     * Adds an event with the next timestamp. Auth and prev events are given by name; before room version 12 the
     * create event is added to the auth events of every other event.
     */
    Pdu add(String name, String sender, String type, String stateKey, ObjectNode content, List<String> auth,
            List<String> prev) {
        return add(name, sender, type, stateKey, content, auth, prev, clock++);
    }

    Pdu add(String name, String sender, String type, String stateKey, ObjectNode content, List<String> auth,
            List<String> prev, long originServerTs) {
        clock = Math.max(clock, originServerTs + 1);
        boolean isCreate = EventTypes.CREATE.equals(type);
        List<String> authNames = new ArrayList<>(auth);
        if (!isCreate && !version.roomIdIsCreateEventHash() && !authNames.contains("CREATE")) {
            authNames.add(0, "CREATE");
        }
        ObjectNode json = JSON.objectNode();
        json.put("type", type).put("sender", sender);
        if (stateKey != null) {
            json.put("state_key", stateKey);
        }
        if (!(isCreate && version.roomIdIsCreateEventHash())) {
            json.put("room_id", roomId);
        }
        json.set("content", content);
        long depth = 1;
        var prevArray = json.putArray("prev_events");
        for (String p : prev) {
            prevArray.add(id(p).value());
            depth = Math.max(depth, byName.get(p).depth() + 1);
        }
        var authArray = json.putArray("auth_events");
        for (String a : authNames) {
            if (!byName.containsKey(a)) {
                throw new IllegalArgumentException("unknown auth event " + a);
            }
            authArray.add(id(a).value());
        }
        json.put("depth", depth).put("origin_server_ts", originServerTs);
        json.putObject("hashes").put("sha256", "not-checked-here");
        Pdu pdu = Pdu.withKnownId(json, version, id(name));
        byName.put(name, pdu);
        byId.put(pdu.eventId(), pdu);
        return pdu;
    }

    Pdu event(String name) {
        Pdu pdu = byName.get(name);
        if (pdu == null) {
            throw new IllegalArgumentException("no event " + name);
        }
        return pdu;
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    EventProvider provider() {
        return byId::get;
    }

    /** A state map holding the named events. */
    Map<StateKey, EventId> state(String... names) {
        Map<StateKey, EventId> state = new HashMap<>();
        for (String name : names) {
            Pdu pdu = event(name);
            state.put(pdu.stateTuple(), pdu.eventId());
        }
        return state;
    }

    Map<StateKey, EventId> resolve(List<Map<StateKey, EventId>> stateSets) {
        return new StateResolver(Scenarios.rules()).run(version, stateSets, provider(), null);
    }

    // Content helpers.

    static ObjectNode member(String membership) {
        return JSON.objectNode().put("membership", membership);
    }

    static ObjectNode member(String membership, String displayName) {
        return member(membership).put("displayname", displayName);
    }

    static ObjectNode joinRule(String rule) {
        return JSON.objectNode().put("join_rule", rule);
    }

    static ObjectNode topic(String topic) {
        return JSON.objectNode().put("topic", topic);
    }

    static ObjectNode empty() {
        return JSON.objectNode();
    }

    /**
     * Power levels listing the given users (user, level, user, level, ...). In room version 12 the creator
     * (Alice) is left out: creators have infinite power and may not be listed.
     */
    ObjectNode powerLevels(Object... usersAndLevels) {
        ObjectNode content = JSON.objectNode();
        ObjectNode users = content.putObject("users");
        for (int i = 0; i < usersAndLevels.length; i += 2) {
            String user = (String) usersAndLevels[i];
            if (version.privilegedCreators() && ALICE.equals(user)) {
                continue;
            }
            users.put(user, ((Number) usersAndLevels[i + 1]).longValue());
        }
        return content;
    }
}
