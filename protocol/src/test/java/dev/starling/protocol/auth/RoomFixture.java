package dev.starling.protocol.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds rooms and events of one room version for auth-rule tests. Events get readable IDs
 * ({@code $e7:example.org}) through {@link Pdu#withKnownId}; a v12 create event gets its real reference-hash
 * ID, since the room ID is derived from it.
 *
 * <p>The {@link #standard} room: ALICE created it and joined; power levels give MOD and MOD2 50 (and ALICE
 * 100 before v12, where she is a creator with infinite power instead); the join rule is public; BOB, MOD and
 * MOD2 joined with level 0, 50, 50. CAROL has no membership. REMOTE is on another server.
 */
final class RoomFixture {
    static final String SERVER = "example.org";
    static final UserId ALICE = user("alice");
    static final UserId BOB = user("bob");
    static final UserId CAROL = user("carol");
    static final UserId MOD = user("mod");
    static final UserId MOD2 = user("mod2");
    static final UserId ZARA = user("zara");
    static final UserId REMOTE = UserId.parse("@dave:other.org");
    static final long MAX = CanonicalJson.MAX_SAFE_INTEGER;

    final RoomVersion version;
    final Pdu create;
    private final Map<StateKey, Pdu> state;
    private final int[] counter;
    private EventId last;

    private RoomFixture(RoomVersion version, Pdu create, Map<StateKey, Pdu> state, int[] counter, EventId last) {
        this.version = version;
        this.create = create;
        this.state = state;
        this.counter = counter;
        this.last = last;
    }

    static UserId user(String localpart) {
        return UserId.parse("@" + localpart + ":" + SERVER);
    }

    /** JSON with single quotes for readability: {@code json("{'a':1}")}. */
    static ObjectNode json(String relaxed) {
        return CanonicalJson.parseObject(relaxed.replace('\'', '"'));
    }

    /** Any JSON value with single quotes for readability: {@code value("['@a:b']")}. */
    static JsonNode value(String relaxed) {
        return CanonicalJson.parse(relaxed.replace('\'', '"'));
    }

    /** The usual create content for a version: room_version, and creator in v10. */
    static ObjectNode createContent(RoomVersion version) {
        ObjectNode content = JsonNodeFactory.instance.objectNode().put("room_version", version.id());
        if (!version.creatorIsSender()) {
            content.put("creator", ALICE.value());
        }
        return content;
    }

    /** A create event by ALICE with the given content and prev_events (room !room:example.org before v12). */
    static Pdu createEvent(RoomVersion version, UserId sender, ObjectNode content, List<String> prevEvents,
            String roomId) {
        ObjectNode json = base(EventTypes.CREATE, sender, "", content, 1, prevEvents);
        if (version.roomIdIsCreateEventHash()) {
            return Pdu.fromJson(json, version);
        }
        json.put("room_id", roomId);
        return Pdu.withKnownId(json, version, EventId.parse("$create:" + SERVER));
    }

    static Pdu createEvent(RoomVersion version, ObjectNode content) {
        return createEvent(version, ALICE, content, List.of(), "!room:" + SERVER);
    }

    /** A room holding only its create event. */
    static RoomFixture bare(RoomVersion version, ObjectNode createContent) {
        Pdu create = createEvent(version, createContent);
        Map<StateKey, Pdu> state = new HashMap<>();
        state.put(create.stateTuple(), create);
        return new RoomFixture(version, create, state, new int[] {0}, create.eventId());
    }

    static RoomFixture bare(RoomVersion version) {
        return bare(version, createContent(version));
    }

    /** The standard room described in the class comment, built with every event passing the rules. */
    static RoomFixture standard(RoomVersion version) {
        return standard(version, createContent(version), pl -> { });
    }

    static RoomFixture standard(RoomVersion version, ObjectNode createContent, Consumer<ObjectNode> editLevels) {
        RoomFixture room = bare(version, createContent);
        room.apply(room.member(ALICE, ALICE, "join"));
        ObjectNode levels = room.defaultLevels();
        editLevels.accept(levels);
        room.apply(room.event(EventTypes.POWER_LEVELS, ALICE, "", levels));
        room.apply(room.event(EventTypes.JOIN_RULES, ALICE, "", json("{'join_rule':'public'}")));
        for (UserId user : List.of(BOB, MOD, MOD2)) {
            room.apply(room.member(user, user, "join"));
        }
        return room;
    }

    /** users: MOD and MOD2 at 50, ALICE at 100 before v12 (creators may not be listed in v12). */
    ObjectNode defaultLevels() {
        ObjectNode users = JsonNodeFactory.instance.objectNode().put(MOD.value(), 50).put(MOD2.value(), 50);
        if (!version.privilegedCreators()) {
            users.put(ALICE.value(), 100);
        }
        ObjectNode levels = JsonNodeFactory.instance.objectNode();
        levels.set("users", users);
        levels.set("events", json("{'m.room.power_levels':50}"));
        return levels;
    }

    /** The {@code users} object of a power-levels content. */
    static ObjectNode users(ObjectNode levels) {
        return (ObjectNode) levels.get("users");
    }

    String roomId() {
        return create.roomId().value();
    }

    /** A new event with the next readable ID, following the last applied one (not added to the state). */
    Pdu event(String type, UserId sender, String stateKey, ObjectNode content) {
        return event(type, sender, stateKey, content, json -> { });
    }

    Pdu event(String type, UserId sender, String stateKey, ObjectNode content, Consumer<ObjectNode> edit) {
        int n = ++counter[0];
        ObjectNode json = base(type, sender, stateKey, content, n + 1, List.of(last.value()));
        json.put("room_id", roomId());
        edit.accept(json);
        return Pdu.withKnownId(json, version, EventId.parse("$e" + n + ":" + SERVER));
    }

    Pdu message(UserId sender) {
        return event(EventTypes.MESSAGE, sender, null, json("{'msgtype':'m.text','body':'hi'}"));
    }

    Pdu member(UserId sender, UserId target, String membership) {
        return member(sender, target.value(), JsonNodeFactory.instance.objectNode().put("membership", membership));
    }

    Pdu member(UserId sender, String stateKey, ObjectNode content) {
        return event(EventTypes.MEMBER, sender, stateKey, content);
    }

    Pdu powerLevels(UserId sender, ObjectNode content) {
        return event(EventTypes.POWER_LEVELS, sender, "", content);
    }

    /** Checks an event against the current state, then applies it; fails the fixture if it is refused. */
    RoomFixture apply(Pdu event) {
        AuthRules.check(event, state);
        return put(event);
    }

    /** Puts a state event into the state without checking it (for states the rules would not produce). */
    RoomFixture put(Pdu event) {
        state.put(event.stateTuple(), event);
        last = event.eventId();
        return this;
    }

    RoomFixture remove(StateKey key) {
        state.remove(key);
        return this;
    }

    /** Sets a user's membership directly (sent by that user, unchecked). */
    RoomFixture membership(UserId user, String membership) {
        return put(member(user, user, membership));
    }

    /** Replaces the power levels directly (unchecked), starting from {@link #defaultLevels}. */
    RoomFixture levels(Consumer<ObjectNode> edit) {
        ObjectNode levels = defaultLevels();
        edit.accept(levels);
        return put(powerLevels(ALICE, levels));
    }

    RoomFixture joinRule(String rule) {
        return put(event(EventTypes.JOIN_RULES, ALICE, "", JsonNodeFactory.instance.objectNode().put("join_rule", rule)));
    }

    /** An independent copy: changes to either do not show in the other. */
    RoomFixture copy() {
        return new RoomFixture(version, create, new HashMap<>(state), counter, last);
    }

    Map<StateKey, Pdu> state() {
        return Map.copyOf(state);
    }

    private static ObjectNode base(String type, UserId sender, String stateKey, ObjectNode content, long depth,
            List<String> prevEvents) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", type);
        json.put("sender", sender.value());
        if (stateKey != null) {
            json.put("state_key", stateKey);
        }
        json.set("content", content);
        json.put("depth", depth);
        json.put("origin_server_ts", 1_700_000_000_000L + depth);
        ArrayNode prev = json.putArray("prev_events");
        prevEvents.forEach(prev::add);
        json.putArray("auth_events");
        json.putObject("hashes").put("sha256", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        return json;
    }
}
