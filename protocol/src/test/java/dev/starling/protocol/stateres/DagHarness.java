package dev.starling.protocol.stateres;

import static dev.starling.protocol.stateres.TestRoom.ALICE;
import static dev.starling.protocol.stateres.TestRoom.BOB;
import static dev.starling.protocol.stateres.TestRoom.CHARLIE;
import static dev.starling.protocol.stateres.TestRoom.ZARA;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A harness in the manner of Synapse's {@code tests/state/test_v2.py}: a base room (create, Alice joins, power
 * levels with Alice at 100, public join rules, Bob, Charlie and Zara join, then a START message) and per
 * scenario a DAG of events given as chains of prev-event edges ending at END. Events are created in a
 * topological order that breaks ties by name (so timestamps follow that order); the state before each event is
 * the resolution of the states after its prev events, its auth events are chosen from that state, and the
 * state at END is compared with the expected events (keys unchanged since START are ignored unless expected).
 */
final class DagHarness {
    /** A scenario event: its name, sender, type, state key (null for a message) and content. */
    record Ev(String name, String sender, String type, String stateKey, ObjectNode content) {}

    private static final List<String> INITIAL_EDGES =
            List.of("START", "IMZ", "IMC", "IMB", "IJR", "IPOWER", "IMA", "CREATE");

    final TestRoom room;
    private final Map<String, Map<StateKey, EventId>> stateAfter = new HashMap<>();

    DagHarness(RoomVersion version) {
        this.room = new TestRoom(version);
    }

    static Ev state(String name, String sender, String type, String stateKey, ObjectNode content) {
        return new Ev(name, sender, type, stateKey, content);
    }

    static Ev message(String name, String sender) {
        return new Ev(name, sender, EventTypes.MESSAGE, null, TestRoom.empty());
    }

    static Ev topic(String name, String sender) {
        return new Ev(name, sender, EventTypes.TOPIC, "", TestRoom.topic(name));
    }

    Ev powerLevels(String name, String sender, Object... usersAndLevels) {
        return new Ev(name, sender, EventTypes.POWER_LEVELS, "", room.powerLevels(usersAndLevels));
    }

    static Ev member(String name, String sender, String target, String membership) {
        return new Ev(name, sender, EventTypes.MEMBER, target, TestRoom.member(membership));
    }

    private List<Ev> initialEvents() {
        return List.of(
                new Ev("CREATE", ALICE, EventTypes.CREATE, "", TestRoom.empty()),
                member("IMA", ALICE, ALICE, "join"),
                powerLevels("IPOWER", ALICE, ALICE, 100),
                new Ev("IJR", ALICE, EventTypes.JOIN_RULES, "", TestRoom.joinRule("public")),
                member("IMB", BOB, BOB, "join"),
                member("IMC", CHARLIE, CHARLIE, "join"),
                member("IMZ", ZARA, ZARA, "join"),
                message("START", ZARA),
                message("END", ZARA));
    }

    /** Builds the DAG and asserts the state at END. */
    void check(List<Ev> events, List<List<String>> edges, String... expected) {
        Map<StateKey, EventId> end = run(events, edges);
        Map<StateKey, EventId> start = stateAfter.get("START");
        Map<StateKey, EventId> expectedState = room.state(expected);
        Map<StateKey, EventId> changed = new HashMap<>();
        end.forEach((key, value) -> {
            if (expectedState.containsKey(key) || !value.equals(start.get(key))) {
                changed.put(key, value);
            }
        });
        assertThat(changed).as("state at END (changed since START, or expected)").isEqualTo(expectedState);
    }

    /** Builds the DAG and returns the state at END. */
    Map<StateKey, EventId> run(List<Ev> events, List<List<String>> edges) {
        Map<String, Ev> byName = new LinkedHashMap<>();
        Map<String, Set<String>> prevs = new HashMap<>();
        for (Ev ev : concat(initialEvents(), events)) {
            byName.put(ev.name(), ev);
            prevs.put(ev.name(), new LinkedHashSet<>());
        }
        addChain(prevs, INITIAL_EDGES);
        edges.forEach(chain -> addChain(prevs, chain));

        // Kahn's algorithm over prev edges, smallest name first among the ready events.
        Map<String, Set<String>> waiting = new HashMap<>();
        prevs.forEach((name, p) -> waiting.put(name, new LinkedHashSet<>(p)));
        TreeSet<String> ready = new TreeSet<>();
        waiting.forEach((name, p) -> {
            if (p.isEmpty()) {
                ready.add(name);
            }
        });
        while (!ready.isEmpty()) {
            String name = ready.pollFirst();
            build(byName.get(name), new ArrayList<>(prevs.get(name)));
            waiting.forEach((other, p) -> {
                if (p.remove(name) && p.isEmpty()) {
                    ready.add(other);
                }
            });
        }
        return stateAfter.get("END");
    }

    private void build(Ev ev, List<String> prevNames) {
        Map<StateKey, EventId> before;
        if (prevNames.isEmpty()) {
            before = new HashMap<>();
        } else if (prevNames.size() == 1) {
            before = new HashMap<>(stateAfter.get(prevNames.get(0)));
        } else {
            List<Map<StateKey, EventId>> sets = new ArrayList<>();
            prevNames.forEach(p -> sets.add(stateAfter.get(p)));
            before = new HashMap<>(room.resolve(sets));
        }
        Pdu pdu;
        if (ev.type().equals(EventTypes.CREATE)) {
            pdu = room.create();
        } else {
            List<String> auth = new ArrayList<>();
            for (StateKey key : authKeys(ev)) {
                EventId id = before.get(key);
                if (id != null) {
                    auth.add(nameOf(id));
                }
            }
            pdu = room.add(ev.name(), ev.sender(), ev.type(), ev.stateKey(), ev.content(), auth, prevNames);
        }
        Map<StateKey, EventId> after = new HashMap<>(before);
        if (pdu.isState()) {
            after.put(pdu.stateTuple(), pdu.eventId());
        }
        stateAfter.put(ev.name(), after);
    }

    private String nameOf(EventId id) {
        if (id.equals(room.id("CREATE"))) {
            return "CREATE";
        }
        String value = id.value();
        return value.substring(1, value.indexOf(':'));
    }

    /** The auth event keys of an event as Synapse's harness picks them (create, power levels, members, join rules). */
    private List<StateKey> authKeys(Ev ev) {
        List<StateKey> keys = new ArrayList<>();
        if (!room.version.roomIdIsCreateEventHash()) {
            keys.add(new StateKey(EventTypes.CREATE, ""));
        }
        keys.add(new StateKey(EventTypes.POWER_LEVELS, ""));
        keys.add(new StateKey(EventTypes.MEMBER, ev.sender()));
        if (EventTypes.MEMBER.equals(ev.type())) {
            keys.add(new StateKey(EventTypes.MEMBER, ev.stateKey()));
            String membership = ev.content().path("membership").asText();
            if (membership.equals("join") || membership.equals("invite") || membership.equals("knock")) {
                keys.add(new StateKey(EventTypes.JOIN_RULES, ""));
            }
        }
        return keys.stream().distinct().toList();
    }

    private static void addChain(Map<String, Set<String>> prevs, List<String> chain) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            prevs.get(chain.get(i)).add(chain.get(i + 1));
        }
    }

    private static List<Ev> concat(List<Ev> a, List<Ev> b) {
        List<Ev> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static List<List<String>> edges(String... chains) {
        return Arrays.stream(chains).map(chain -> List.of(chain.split(" "))).toList();
    }
}
