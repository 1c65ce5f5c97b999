package dev.starling.protocol.stateres;

import static dev.starling.protocol.stateres.TestRoom.ALICE;
import static dev.starling.protocol.stateres.TestRoom.BOB;
import static dev.starling.protocol.stateres.TestRoom.CHARLIE;
import static dev.starling.protocol.stateres.TestRoom.joinRule;
import static dev.starling.protocol.stateres.TestRoom.member;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenarios from public state-resolution test suites that exercise one step of the algorithm (the orderings,
 * the auth difference, the conflicted state subgraph, the sender's power) rather than a whole resolution. Each
 * names the repository, file and test it reproduces; the inputs and expected outputs are theirs, the code ours.
 */
class AlgorithmScenariosTest {

    private static EventId id(String name) {
        return new EventId("$" + name + ":example.com");
    }

    /**
     * A room built only from topic events whose auth events form the given graph (event, then its auth events),
     * in room version 12 so that no create event is added to the auth events.
     */
    private static TestRoom authGraph(String... eventsAndAuth) {
        TestRoom room = new TestRoom(RoomVersion.V12);
        room.create();
        for (String line : eventsAndAuth) {
            List<String> names = Arrays.asList(line.split(" "));
            room.add(names.get(0), ALICE, EventTypes.TOPIC, "", TestRoom.topic(names.get(0)),
                    names.subList(1, names.size()), List.of("CREATE"));
        }
        return room;
    }

    private static Set<EventId> ids(TestRoom room, String... names) {
        Set<EventId> ids = new HashSet<>();
        for (String name : names) {
            ids.add(room.id(name));
        }
        return ids;
    }

    /**
     * ruma's "public chat" preset room ({@code RoomTimelineFactory::with_public_chat_preset} in ruma/ruma
     * crates/ruma-state-res/src/test_utils/factory.rs): create, Alice joins, default power levels, public join
     * rules, Bob joins, each citing the state before it.
     */
    private static TestRoom publicChat(RoomVersion version) {
        TestRoom room = new TestRoom(version);
        room.create();
        room.add("MA", ALICE, EventTypes.MEMBER, ALICE, member("join"), List.of(), List.of("CREATE"));
        room.add("PL", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100), List.of("MA"),
                List.of("MA"));
        room.add("JR", ALICE, EventTypes.JOIN_RULES, "", joinRule("public"), List.of("MA", "PL"), List.of("PL"));
        room.add("MB", BOB, EventTypes.MEMBER, BOB, member("join"), List.of("PL", "JR"), List.of("JR"));
        return room;
    }

    /**
     * element-hq/synapse tests/state/test_v2.py {@code LexicographicalTestCase.test_simple}; also ruma/ruma
     * crates/ruma-state-res/src/state_res/tests.rs {@code test_reverse_topological_power_sort}: with equal
     * keys, Kahn's algorithm takes the smallest ready event first.
     */
    @Test
    void kahnsAlgorithmTakesTheSmallestReadyEventFirst() {
        EventId l = new EventId("$l:x.org");
        EventId m = new EventId("$m:x.org");
        EventId n = new EventId("$n:x.org");
        EventId o = new EventId("$o:x.org");
        EventId p = new EventId("$p:x.org");
        Map<EventId, List<EventId>> graph = Map.of(l, List.of(o), m, List.of(n, o), n, List.of(o), o, List.of(),
                p, List.of(o));
        assertThat(ReverseTopologicalSort.kahn(graph, id -> new ReverseTopologicalSort.SortKey(0, 0, id)))
                .containsExactly(o, l, n, m, p);
    }

    /**
     * matrix-org/gomatrixserverlib stateresolutionv2_test.go {@code TestLexicographicalSorting}: unrelated
     * events sort by descending sender power, then ascending timestamp, then event ID.
     */
    @Test
    void unrelatedEventsSortByPowerThenTimestampThenEventId() {
        Object[][] input = {
            {"a", 0, 1}, {"b", 0, 2}, {"c", 0, 2}, {"d", 25, 3},
            {"e", 50, 4}, {"f", 50, 3}, {"g", 75, 4}, {"h", 100, 5},
        };
        Map<EventId, List<EventId>> graph = new java.util.HashMap<>();
        Map<EventId, ReverseTopologicalSort.SortKey> keys = new java.util.HashMap<>();
        for (Object[] row : input) {
            EventId eventId = id((String) row[0]);
            graph.put(eventId, List.of());
            keys.put(eventId, new ReverseTopologicalSort.SortKey((Integer) row[1], (Integer) row[2], eventId));
        }
        assertThat(ReverseTopologicalSort.kahn(graph, keys::get))
                .containsExactly(id("h"), id("g"), id("f"), id("e"), id("d"), id("a"), id("b"), id("c"));
    }

    /**
     * matrix-org/gomatrixserverlib stateresolutionv2_test.go {@code TestReverseTopologicalEventSorting} (its
     * {@code getBaseStateResV2Graph}): the six events of a room's start, Bob and Charlie citing the power levels
     * and join rules but not their own membership, sort in the order they were made.
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void theEventsOfARoomsStartSortInTheOrderTheyWereMade(RoomVersion version) {
        TestRoom room = new TestRoom(version);
        room.create();
        room.add("IMA", ALICE, EventTypes.MEMBER, ALICE, member("join"), List.of(), List.of("CREATE"));
        room.add("IPOWER", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100), List.of("IMA"),
                List.of("IMA"));
        room.add("IJR", ALICE, EventTypes.JOIN_RULES, "", joinRule("public"), List.of("IMA", "IPOWER"),
                List.of("IPOWER"));
        room.add("IMB", BOB, EventTypes.MEMBER, BOB, member("join"), List.of("IJR", "IPOWER"), List.of("IJR"));
        room.add("IMC", CHARLIE, EventTypes.MEMBER, CHARLIE, member("join"), List.of("IJR", "IPOWER"),
                List.of("IMB"));
        Set<EventId> all = ids(room, "CREATE", "IMA", "IPOWER", "IJR", "IMB", "IMC");
        assertThat(ReverseTopologicalSort.sort(all, all, new Events(room.provider(), version)))
                .containsExactly(room.id("CREATE"), room.id("IMA"), room.id("IPOWER"), room.id("IJR"), room.id("IMB"),
                        room.id("IMC"));
    }

    /**
     * ruma/ruma crates/ruma-state-res/src/state_res/tests.rs {@code test_sort_power_events}: the power events of
     * the public chat preset, with every event in the full conflicted set, come out with the auth events they
     * pull in, in auth order; the order of the input does not matter (ruma repeats it 20 times for that).
     */
    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = {"V10", "V11"})
    void powerEventsSortAfterTheAuthEventsTheyPullIn(RoomVersion version) {
        TestRoom room = publicChat(version);
        Events events = new Events(room.provider(), version);
        Set<EventId> full = ids(room, "CREATE", "MA", "PL", "JR", "MB");
        Random random = new Random(1);
        for (int i = 0; i < 20; i++) {
            List<EventId> power = new ArrayList<>(full.stream().filter(e -> Events.isPowerEvent(events.get(e))).toList());
            Collections.shuffle(power, random);
            assertThat(ReverseTopologicalSort.sort(power, full, events))
                    .containsExactly(room.id("CREATE"), room.id("MA"), room.id("PL"), room.id("JR"));
        }
    }

    /**
     * ruma/ruma crates/ruma-state-res/src/state_res/tests.rs {@code test_mainline_sort} (formerly
     * {@code test_sort}): every event of the public chat preset, shuffled, sorted against its power levels. The
     * create event and Alice's join, with no power levels in their auth chains, come first.
     */
    @Test
    void mainlineOrderingOfAPublicChatFollowsItsHistory() {
        TestRoom room = publicChat(RoomVersion.V10);
        Events events = new Events(room.provider(), RoomVersion.V10);
        List<EventId> all = new ArrayList<>(ids(room, "CREATE", "MA", "PL", "JR", "MB"));
        Random random = new Random(2);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(all, random);
            assertThat(MainlineOrdering.sort(all, room.id("PL"), events)).containsExactly(room.id("CREATE"),
                    room.id("MA"), room.id("PL"), room.id("JR"), room.id("MB"));
        }
    }

    /**
     * ruma/ruma crates/ruma-state-res/src/state_res/tests.rs {@code test_mainline_sort_no_pl_ancestor_sorts_first}.
     */
    @Test
    void mainlineOrderingPutsEventsWithoutAPowerLevelsAncestorFirstThenOlderEpochs() {
        TestRoom room = publicChat(RoomVersion.V10);
        room.add("OLD", ALICE, EventTypes.TOPIC, "", TestRoom.topic("old"), List.of("PL", "MA"), List.of("MB"));
        room.add("PL2", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100), List.of("PL", "MA"),
                List.of("OLD"));
        room.add("PL3", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100), List.of("PL2", "MA"),
                List.of("PL2"));
        room.add("NEW", ALICE, EventTypes.TOPIC, "", TestRoom.topic("new"), List.of("PL3", "MA"), List.of("PL3"));
        room.add("NOPL", ALICE, EventTypes.TOPIC, "", TestRoom.topic("none"), List.of("MA"), List.of("PL3"));
        Events events = new Events(room.provider(), RoomVersion.V10);
        assertThat(MainlineOrdering.sort(List.of(room.id("NEW"), room.id("OLD"), room.id("NOPL")), room.id("PL3"),
                        events))
                .containsExactly(room.id("NOPL"), room.id("OLD"), room.id("NEW"));
    }

    /**
     * element-hq/synapse tests/state/test_v2.py {@code AuthChainDifferenceTestCase}: {@code test_simple}
     * (C → B → A), {@code test_multiple_unpersisted_chain} (D → C → B → A) and
     * {@code test_unpersisted_events_different_sets} (E cites C and B). Synapse splits the events between its
     * store and memory; here all are at hand, and the difference must be the same.
     */
    @Test
    void theAuthDifferenceOfSynapsesChains() {
        TestRoom room = authGraph("A", "B A", "C B", "D C", "E C B");
        AuthChains chains = new AuthChains(new Events(room.provider(), RoomVersion.V12));
        // test_simple
        assertThat(chains.authDifference(List.of(ids(room, "A", "B"), ids(room, "C"))))
                .isEqualTo(ids(room, "C"));
        // test_multiple_unpersisted_chain
        assertThat(chains.authDifference(List.of(ids(room, "A", "B"), ids(room, "C", "D"))))
                .isEqualTo(ids(room, "C", "D"));
        // test_unpersisted_events_different_sets
        assertThat(chains.authDifference(List.of(ids(room, "A", "B", "E"), ids(room, "C", "D"))))
                .isEqualTo(ids(room, "D", "E"));
    }

    /**
     * matrix-org/gomatrixserverlib stateresolutionv2_test.go {@code TestCalculateFullAuthChainAndConflictedSubgraph}
     * (the conflicted subgraph half): on A ← B ← C ← {D ← D2, E ← E2} ← F ← G, the events on auth paths between
     * conflicted events, for its three cases "simple linear", "simple fork" and "walks already walked paths".
     */
    @Test
    void theConflictedSubgraphsOfGomatrixserverlibsGraph() {
        TestRoom room = authGraph("A", "B A", "C B", "D C", "E C", "D2 D", "E2 E", "F D2 E2", "G F");
        AuthChains chains = new AuthChains(new Events(room.provider(), RoomVersion.V12));
        assertThat(chains.conflictedSubgraph(ids(room, "B", "D"))).isEqualTo(ids(room, "B", "C", "D"));
        assertThat(chains.conflictedSubgraph(ids(room, "F", "B")))
                .isEqualTo(ids(room, "F", "E2", "E", "D2", "D", "C", "B"));
        assertThat(chains.conflictedSubgraph(ids(room, "C", "A"))).isEqualTo(ids(room, "C", "B", "A"));
    }

    /**
     * element-hq/synapse tests/state/test_v2.py {@code AuthChainDifferenceTestCase.test_get_power_level_for_sender}:
     * in room versions 10 (creator named in the content) and 11 (creator is the sender), a topic's sender has the
     * power its cited power levels give: Alice 100, Bob 50, Charlie the users_default of 10.
     */
    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = {"V10", "V11"})
    void theSendersPowerComesFromTheCitedPowerLevels(RoomVersion version) {
        TestRoom room = new TestRoom(version);
        room.create();
        room.add("MA", ALICE, EventTypes.MEMBER, ALICE, member("join"), List.of(), List.of("CREATE"));
        var levels = room.powerLevels(ALICE, 100, BOB, 50).put("users_default", 10);
        room.add("PL", ALICE, EventTypes.POWER_LEVELS, "", levels, List.of("MA"), List.of("MA"));
        Events events = new Events(room.provider(), version);
        Map<String, Long> want = Map.of(ALICE, 100L, BOB, 50L, CHARLIE, 10L);
        want.forEach((user, level) -> {
            String name = "T" + user.substring(1, user.indexOf(':'));
            room.add(name, user, EventTypes.TOPIC, "", TestRoom.topic("Test"), List.of("MA", "PL"), List.of("PL"));
            assertThat(ReverseTopologicalSort.senderPower(room.event(name), events)).as(user).isEqualTo(level);
        });
    }
}
