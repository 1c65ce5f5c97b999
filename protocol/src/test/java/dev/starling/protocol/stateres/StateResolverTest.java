package dev.starling.protocol.stateres;

import static dev.starling.protocol.stateres.TestRoom.ALICE;
import static dev.starling.protocol.stateres.TestRoom.BOB;
import static dev.starling.protocol.stateres.TestRoom.joinRule;
import static dev.starling.protocol.stateres.TestRoom.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.protocol.auth.AuthException;
import dev.starling.protocol.auth.AuthRule;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The parts of state resolution, and its errors. None of these need the real authorization rules. */
class StateResolverTest {
    private static final AuthCheck ALLOW_ALL = (event, state) -> {};

    /** A small room: create, Alice joins, power levels, public join rules, Bob joins; then forks. */
    private static TestRoom room(RoomVersion version) {
        TestRoom room = new TestRoom(version);
        room.create();
        room.add("MA", ALICE, EventTypes.MEMBER, ALICE, member("join"), List.of(), List.of("CREATE"));
        room.add("PL", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100, BOB, 50), List.of("MA"),
                List.of("MA"));
        room.add("JR", ALICE, EventTypes.JOIN_RULES, "", joinRule("public"), List.of("MA", "PL"), List.of("PL"));
        room.add("MB", BOB, EventTypes.MEMBER, BOB, member("join"), List.of("PL", "JR"), List.of("JR"));
        room.add("T1", ALICE, EventTypes.TOPIC, "", TestRoom.topic("one"), List.of("PL", "MA"), List.of("MB"));
        room.add("T2", BOB, EventTypes.TOPIC, "", TestRoom.topic("two"), List.of("PL", "MB"), List.of("MB"));
        return room;
    }

    @Test
    void identicalStatesResolveToThemselvesWithoutAnyAuthCheck() {
        TestRoom room = room(RoomVersion.V11);
        Map<StateKey, EventId> state = room.state("CREATE", "MA", "PL", "JR", "MB");
        AuthCheck never = (event, s) -> {
            throw new AssertionError("no auth check expected");
        };
        assertThat(new StateResolver(never).run(RoomVersion.V11, List.of(state, state), room.provider(), null))
                .isEqualTo(state);
    }

    @Test
    void noStateSetsIsAnError() {
        assertThatThrownBy(() -> StateResolver.resolve(RoomVersion.V11, List.of(), id -> null))
                .isInstanceOfSatisfying(StateResolutionException.class,
                        e -> assertThat(e.problem()).isEqualTo(StateResolutionException.Problem.NO_STATE_SETS));
    }

    @Test
    void aMissingConflictedEventIsATypedError() {
        TestRoom room = room(RoomVersion.V11);
        Map<StateKey, EventId> a = room.state("CREATE", "MA", "PL", "JR", "MB", "T1");
        Map<StateKey, EventId> b = room.state("CREATE", "MA", "PL", "JR", "MB", "T2");
        EventProvider withoutT2 = id -> id.equals(room.id("T2")) ? null : room.provider().get(id);
        assertThatThrownBy(() -> new StateResolver(ALLOW_ALL).run(RoomVersion.V11, List.of(a, b), withoutT2, null))
                .isInstanceOfSatisfying(StateResolutionException.class, e -> {
                    assertThat(e.problem()).isEqualTo(StateResolutionException.Problem.MISSING_EVENT);
                    assertThat(e.getMessage()).contains("$T2:example.com");
                });
    }

    @Test
    void anEventOfAnotherRoomIsATypedError() {
        TestRoom room = room(RoomVersion.V11);
        TestRoom other = new TestRoom(RoomVersion.V12);
        other.create();
        Pdu foreign = other.add("T2", BOB, EventTypes.TOPIC, "", TestRoom.topic("x"), List.of(), List.of("CREATE"));
        EventProvider mixed = id -> id.equals(foreign.eventId()) ? foreign : room.provider().get(id);
        Map<StateKey, EventId> a = room.state("CREATE", "MA", "PL", "JR", "MB", "T1");
        Map<StateKey, EventId> b = room.state("CREATE", "MA", "PL", "JR", "MB", "T2");
        assertThatThrownBy(() -> new StateResolver(ALLOW_ALL).run(RoomVersion.V11, List.of(a, b), mixed, null))
                .isInstanceOfSatisfying(StateResolutionException.class,
                        e -> assertThat(e.problem()).isEqualTo(StateResolutionException.Problem.WRONG_ROOM));
    }

    @Test
    void anEventStoredUnderTheWrongKeyIsATypedError() {
        TestRoom room = room(RoomVersion.V11);
        Map<StateKey, EventId> a = room.state("CREATE", "MA", "PL", "JR", "MB", "T1");
        Map<StateKey, EventId> b = new HashMap<>(a);
        b.put(new StateKey(EventTypes.TOPIC, ""), room.id("MB"));
        assertThatThrownBy(() -> new StateResolver(ALLOW_ALL).run(RoomVersion.V11, List.of(a, b), room.provider(), null))
                .isInstanceOfSatisfying(StateResolutionException.class,
                        e -> assertThat(e.problem()).isEqualTo(StateResolutionException.Problem.STATE_KEY_MISMATCH));
    }

    @Test
    void aKeyMissingFromOneStateIsConflictedAndResolved() {
        TestRoom room = room(RoomVersion.V11);
        Map<StateKey, EventId> a = room.state("CREATE", "MA", "PL", "JR", "MB", "T1");
        Map<StateKey, EventId> b = room.state("CREATE", "MA", "PL", "JR", "MB");
        List<EventId> checked = new ArrayList<>();
        AuthCheck recording = (event, state) -> checked.add(event.eventId());
        Map<StateKey, EventId> resolved = new StateResolver(recording).run(RoomVersion.V11, List.of(a, b),
                room.provider(), null);
        assertThat(resolved).isEqualTo(a);
        assertThat(checked).containsExactly(room.id("T1"));
    }

    @Test
    void anEventFailingTheAuthRulesIsDroppedAndTheUnconflictedStateIsKept() {
        TestRoom room = room(RoomVersion.V11);
        Map<StateKey, EventId> a = room.state("CREATE", "MA", "PL", "JR", "MB", "T1");
        Map<StateKey, EventId> b = room.state("CREATE", "MA", "PL", "JR", "MB", "T2");
        AuthCheck onlyAlice = (event, state) -> {
            if (!event.sender().value().equals(ALICE)) {
                throw new AuthException(AuthRule.INSUFFICIENT_POWER, "test");
            }
        };
        Map<StateKey, EventId> resolved = new StateResolver(onlyAlice).run(RoomVersion.V11, List.of(a, b),
                room.provider(), null);
        assertThat(resolved).isEqualTo(a);
    }

    @Test
    void theAuthStateOfAV12EventHoldsTheCreateEventFoundThroughTheRoomId() {
        TestRoom room = room(RoomVersion.V12);
        Map<StateKey, EventId> a = room.state("CREATE", "MA", "PL", "JR", "MB", "T1");
        Map<StateKey, EventId> b = room.state("CREATE", "MA", "PL", "JR", "MB", "T2");
        List<Map<StateKey, Pdu>> seen = new ArrayList<>();
        new StateResolver((event, state) -> seen.add(state)).run(RoomVersion.V12, List.of(a, b), room.provider(), null);
        assertThat(seen).isNotEmpty().allSatisfy(state -> {
            assertThat(state.get(new StateKey(EventTypes.CREATE, ""))).isEqualTo(room.event("CREATE"));
            assertThat(state).containsKey(new StateKey(EventTypes.POWER_LEVELS, ""));
        });
    }

    @Test
    void aSuppliedAuthChainProviderIsUsedForTheAuthDifference() {
        TestRoom room = room(RoomVersion.V11);
        Map<StateKey, EventId> a = room.state("CREATE", "MA", "PL", "JR", "MB", "T1");
        Map<StateKey, EventId> b = room.state("CREATE", "MA", "PL", "JR", "MB", "T2");
        AtomicInteger calls = new AtomicInteger();
        AuthChainProvider index = sets -> {
            calls.incrementAndGet();
            return Set.of();
        };
        new StateResolver(ALLOW_ALL).run(RoomVersion.V11, List.of(a, b), room.provider(), index);
        assertThat(calls).hasValue(1);
    }

    @Test
    void theAuthDifferenceHoldsWhatIsNotInEveryFullAuthChain() {
        TestRoom room = room(RoomVersion.V11);
        room.add("PL2", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100), List.of("PL", "MA"),
                List.of("MB"));
        room.add("T3", ALICE, EventTypes.TOPIC, "", TestRoom.topic("three"), List.of("PL2", "MA"), List.of("PL2"));
        Events events = new Events(room.provider(), RoomVersion.V11);
        Set<EventId> common = Set.of(room.id("CREATE"), room.id("MA"), room.id("JR"), room.id("MB"));
        Set<EventId> a = new java.util.HashSet<>(common);
        a.add(room.id("T3"));
        Set<EventId> b = new java.util.HashSet<>(common);
        b.add(room.id("T2"));
        assertThat(new AuthChains(events).authDifference(List.of(a, b)))
                .containsExactlyInAnyOrder(room.id("T3"), room.id("PL2"), room.id("T2"));
    }

    @Test
    void theConflictedSubgraphHoldsTheEventsBetweenConflictedEvents() {
        TestRoom room = room(RoomVersion.V12);
        room.add("PL2", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(BOB, 60), List.of("PL", "MA"),
                List.of("MB"));
        room.add("PL3", BOB, EventTypes.POWER_LEVELS, "", room.powerLevels(BOB, 60), List.of("PL2", "MB"),
                List.of("PL2"));
        Events events = new Events(room.provider(), RoomVersion.V12);
        // Paths from PL3 down to PL: PL3 → PL2 → PL, PL3 → MB → PL and PL3 → MB → JR → PL. Alice's join (MA) is
        // reachable from PL3 but leads to no conflicted event, so it is not in the subgraph.
        assertThat(new AuthChains(events).conflictedSubgraph(Set.of(room.id("PL3"), room.id("PL"))))
                .containsExactlyInAnyOrder(room.id("PL3"), room.id("PL2"), room.id("MB"), room.id("JR"), room.id("PL"));
    }

    @Test
    void higherSenderPowerSortsFirstThenEarlierTimestamp() {
        EventId low = new EventId("$a:x.org");
        EventId high = new EventId("$b:x.org");
        EventId early = new EventId("$c:x.org");
        Map<EventId, ReverseTopologicalSort.SortKey> keys = Map.of(
                low, new ReverseTopologicalSort.SortKey(0, 1, low),
                high, new ReverseTopologicalSort.SortKey(100, 5, high),
                early, new ReverseTopologicalSort.SortKey(0, 0, early));
        Map<EventId, List<EventId>> graph = Map.of(low, List.of(), high, List.of(), early, List.of());
        assertThat(ReverseTopologicalSort.kahn(graph, keys::get)).containsExactly(high, early, low);
    }

    @Test
    void v12CreatorsOutrankEveryPowerLevel() {
        TestRoom room = room(RoomVersion.V12);
        Events events = new Events(room.provider(), RoomVersion.V12);
        assertThat(ReverseTopologicalSort.senderPower(room.event("T1"), events))
                .isEqualTo(ReverseTopologicalSort.CREATOR_POWER);
        assertThat(ReverseTopologicalSort.senderPower(room.event("T2"), events)).isEqualTo(50);
    }

    @Test
    void beforeV12TheCreatorHas100WithoutPowerLevels() {
        TestRoom room = room(RoomVersion.V10);
        Events events = new Events(room.provider(), RoomVersion.V10);
        assertThat(ReverseTopologicalSort.senderPower(room.event("PL"), events)).isEqualTo(100);
        assertThat(ReverseTopologicalSort.senderPower(room.event("T2"), events)).isEqualTo(50);
    }

    @Test
    void powerEventsAreJoinRulesPowerLevelsKicksAndBans() {
        TestRoom room = room(RoomVersion.V11);
        room.add("KICK", ALICE, EventTypes.MEMBER, BOB, member("leave"), List.of("PL", "MA", "MB"), List.of("MB"));
        room.add("LEAVE", BOB, EventTypes.MEMBER, BOB, member("leave"), List.of("PL", "MB"), List.of("MB"));
        room.add("BAN", ALICE, EventTypes.MEMBER, BOB, member("ban"), List.of("PL", "MA", "MB"), List.of("MB"));
        assertThat(Events.isPowerEvent(room.event("PL"))).isTrue();
        assertThat(Events.isPowerEvent(room.event("JR"))).isTrue();
        assertThat(Events.isPowerEvent(room.event("KICK"))).isTrue();
        assertThat(Events.isPowerEvent(room.event("BAN"))).isTrue();
        assertThat(Events.isPowerEvent(room.event("LEAVE"))).isFalse();
        assertThat(Events.isPowerEvent(room.event("T1"))).isFalse();
        assertThat(Events.isPowerEvent(room.event("MB"))).isFalse();
    }
}
