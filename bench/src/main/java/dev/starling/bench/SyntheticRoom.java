package dev.starling.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventHashes;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.protocol.stateres.EventProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the events of a synthetic room for the benchmarks, the way a server receives them: every event has its
 * real content hash and its real event ID (the reference hash, {@link Pdu#fromJson}); in room version 12 the
 * room ID is derived from the create event. Events are not signed: auth checks and state resolution do not
 * look at signatures.
 *
 * <p>{@link #standard} makes the room the benchmarks share: {@link #ALICE} created it, joined, holds power 100
 * (as a privileged creator in v12), the join rule is public, and {@code members} users
 * ({@link #user(int)}) joined.
 */
public final class SyntheticRoom {
    public static final String SERVER = "example.org";
    public static final String ALICE = "@alice:" + SERVER;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final RoomVersion version;
    private final Map<EventId, Pdu> events = new HashMap<>();
    private final Pdu create;
    private final String roomId;
    private long clock = 1_700_000_000_000L;

    /** A room holding only its create event, sent by {@link #ALICE}. */
    public SyntheticRoom(RoomVersion version) {
        this.version = version;
        ObjectNode content = JSON.objectNode().put("room_version", version.id());
        if (!version.creatorIsSender()) {
            content.put("creator", ALICE);
        }
        String id = version.roomIdIsCreateEventHash() ? null : "!bench:" + SERVER;
        this.create = build(id, ALICE, EventTypes.CREATE, "", content, List.of(), List.of());
        this.roomId = id != null ? id : "!" + create.eventId().value().substring(1);
    }

    /** The standard room of the class comment, with {@code members} joined users besides Alice. */
    public static Standard standard(RoomVersion version, int members) {
        SyntheticRoom room = new SyntheticRoom(version);
        Pdu aliceJoin = room.add(ALICE, EventTypes.MEMBER, ALICE, member("join"), List.of(), List.of(room.create));
        Pdu powerLevels = room.add(ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(),
                List.of(aliceJoin), List.of(aliceJoin));
        Pdu joinRules = room.add(ALICE, EventTypes.JOIN_RULES, "", joinRule("public"),
                List.of(aliceJoin, powerLevels), List.of(powerLevels));
        List<Pdu> state = new ArrayList<>(List.of(room.create, aliceJoin, powerLevels, joinRules));
        List<Pdu> joins = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            Pdu join = room.add(user(i), EventTypes.MEMBER, user(i), member("join"), List.of(powerLevels, joinRules),
                    List.of(joinRules));
            joins.add(join);
            state.add(join);
        }
        return new Standard(room, aliceJoin, powerLevels, joinRules, joins, state);
    }

    /** The events of {@link #standard}: the room, its first state events, the members' joins, the whole state. */
    public record Standard(SyntheticRoom room, Pdu aliceJoin, Pdu powerLevels, Pdu joinRules, List<Pdu> joins,
            List<Pdu> state) {}

    /** The user ID of synthetic member {@code i}. */
    public static String user(int i) {
        return "@u" + i + ":" + SERVER;
    }

    public RoomVersion version() {
        return version;
    }

    public Pdu create() {
        return create;
    }

    /**
     * Adds an event with the next timestamp and returns it. Before room version 12 the create event is added to
     * its auth events; in v12 it is never an auth event.
     */
    public Pdu add(String sender, String type, String stateKey, ObjectNode content, List<Pdu> auth, List<Pdu> prev) {
        List<Pdu> authEvents = new ArrayList<>();
        if (!version.roomIdIsCreateEventHash()) {
            authEvents.add(create);
        }
        authEvents.addAll(auth);
        return build(roomId, sender, type, stateKey, content, authEvents, prev);
    }

    private Pdu build(String room, String sender, String type, String stateKey, ObjectNode content, List<Pdu> auth,
            List<Pdu> prev) {
        ObjectNode json = JSON.objectNode();
        json.put("type", type).put("sender", sender);
        if (stateKey != null) {
            json.put("state_key", stateKey);
        }
        if (room != null) {
            json.put("room_id", room);
        }
        json.set("content", content);
        long depth = 1;
        ArrayNode prevEvents = json.putArray("prev_events");
        for (Pdu p : prev) {
            prevEvents.add(p.eventId().value());
            depth = Math.max(depth, p.depth() + 1);
        }
        ArrayNode authEvents = json.putArray("auth_events");
        auth.forEach(a -> authEvents.add(a.eventId().value()));
        json.put("depth", depth).put("origin_server_ts", clock++);
        Pdu pdu = Pdu.fromJson(EventHashes.withContentHash(json), version);
        events.put(pdu.eventId(), pdu);
        return pdu;
    }

    public EventProvider provider() {
        return events::get;
    }

    /** The number of events built so far. */
    public int size() {
        return events.size();
    }

    /** A state of events by {@code (type, state_key)}; a later event replaces an earlier one with the same key. */
    public static Map<StateKey, Pdu> state(Collection<Pdu> stateEvents) {
        Map<StateKey, Pdu> state = new HashMap<>();
        stateEvents.forEach(e -> state.put(e.stateTuple(), e));
        return state;
    }

    /** As {@link #state}, as the map of event IDs state resolution takes. */
    public static Map<StateKey, EventId> stateIds(Collection<Pdu> stateEvents) {
        Map<StateKey, EventId> state = new HashMap<>();
        stateEvents.forEach(e -> state.put(e.stateTuple(), e.eventId()));
        return state;
    }

    // Content helpers.

    public static ObjectNode member(String membership) {
        return JSON.objectNode().put("membership", membership);
    }

    public static ObjectNode member(String membership, String displayName) {
        return member(membership).put("displayname", displayName);
    }

    public static ObjectNode joinRule(String rule) {
        return JSON.objectNode().put("join_rule", rule);
    }

    /**
     * Power levels with Alice at 100 (left out in v12, where creators have infinite power and may not be
     * listed) and the given further users and levels ({@code user, level, user, level, ...}).
     */
    public ObjectNode powerLevels(Object... usersAndLevels) {
        ObjectNode content = JSON.objectNode();
        ObjectNode users = content.putObject("users");
        if (!version.privilegedCreators()) {
            users.put(ALICE, 100);
        }
        for (int i = 0; i < usersAndLevels.length; i += 2) {
            users.put((String) usersAndLevels[i], ((Number) usersAndLevels[i + 1]).longValue());
        }
        return content;
    }
}
