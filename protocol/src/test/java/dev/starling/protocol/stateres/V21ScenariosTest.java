package dev.starling.protocol.stateres;

import static dev.starling.protocol.stateres.TestRoom.ALICE;
import static dev.starling.protocol.stateres.TestRoom.BOB;
import static dev.starling.protocol.stateres.TestRoom.CHARLIE;
import static dev.starling.protocol.stateres.TestRoom.EVELYN;
import static dev.starling.protocol.stateres.TestRoom.ZARA;
import static dev.starling.protocol.stateres.TestRoom.joinRule;
import static dev.starling.protocol.stateres.TestRoom.member;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scenarios where state resolution v2 (room versions 10, 11) and v2.1 (room version 12) disagree: the v2.1
 * replay from the empty state and the conflicted state subgraph (MSC4297). Each is resolved in version 11 and
 * in version 12 with the same DAG; before version 12 the create event is added to every event's auth events.
 *
 * <p>These run against the real {@code AuthRules.check} unless {@code -Dstateres.miniAuth=true}.
 */
class V21ScenariosTest {
    private static final StateKey JOIN_RULES = new StateKey(EventTypes.JOIN_RULES, "");
    private static final StateKey POWER_LEVELS = new StateKey(EventTypes.POWER_LEVELS, "");

    /**
     * MSC4297 "Problem A"; ruma/ruma crates/ruma-state-res/tests/it/resolve.rs
     * {@code msc4297_problem_a_state_res_v2_0} and {@code msc4297_problem_a_state_res_v2_1} (fixtures MSC4297-problem-A/):
     * Alice sets the room invite-only and leaves; Bob and Charlie each change their display name on forks citing
     * different join rules. Both forks agree Alice has left, so v2 replays the conflicted join rules on a state where
     * their sender is gone and loses them.
     */
    private static TestRoom problemA(RoomVersion version) {
        TestRoom room = new TestRoom(version);
        room.create();
        room.add("MA", ALICE, EventTypes.MEMBER, ALICE, member("join", "alice"), List.of(), List.of("CREATE"));
        room.add("PL", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100), List.of("MA"), List.of("MA"));
        room.add("JR", ALICE, EventTypes.JOIN_RULES, "", joinRule("public"), List.of("MA", "PL"), List.of("PL"));
        room.add("MB", BOB, EventTypes.MEMBER, BOB, member("join", "bob"), List.of("PL", "JR"), List.of("JR"));
        room.add("MC", CHARLIE, EventTypes.MEMBER, CHARLIE, member("join", "charlie"), List.of("PL", "JR"), List.of("MB"));
        room.add("JR2", ALICE, EventTypes.JOIN_RULES, "", joinRule("invite"), List.of("PL", "MA"), List.of("MC"));
        room.add("MA2", ALICE, EventTypes.MEMBER, ALICE, member("leave", "alice"), List.of("PL", "MA"), List.of("JR2"));
        room.add("MB2", BOB, EventTypes.MEMBER, BOB, member("join", "bob++"), List.of("PL", "MB", "JR2"), List.of("MA2"));
        room.add("MC2", CHARLIE, EventTypes.MEMBER, CHARLIE, member("join", "charlie++"), List.of("PL", "MC", "JR2"),
                List.of("MA2"));
        return room;
    }

    private static Map<StateKey, EventId> resolveProblemA(TestRoom room) {
        return room.resolve(List.of(
                room.state("CREATE", "PL", "MC", "JR2", "MA2", "MB2"),
                room.state("CREATE", "PL", "JR", "MB", "MA2", "MC2")));
    }

    @Test
    void problemAv2LosesTheJoinRulesOfADepartedSender() {
        TestRoom room = problemA(RoomVersion.V11);
        assertThat(resolveProblemA(room)).isEqualTo(room.state("CREATE", "PL", "MA2", "MB2", "MC2"));
    }

    @Test
    void problemAv21ReplaysFromEmptyAndKeepsTheJoinRules() {
        TestRoom room = problemA(RoomVersion.V12);
        Map<StateKey, EventId> resolved = resolveProblemA(room);
        assertThat(resolved).isEqualTo(room.state("CREATE", "PL", "JR2", "MA2", "MB2", "MC2"));
        assertThat(resolved.get(JOIN_RULES)).isEqualTo(room.id("JR2"));
    }

    /**
     * MSC4297 "Problem B"; ruma/ruma crates/ruma-state-res/tests/it/resolve.rs
     * {@code msc4297_problem_b_state_res_v2_0} and {@code msc4297_problem_b_state_res_v2_1} (fixtures MSC4297-problem-B/):
     * Eve's display-name change sits on a fork whose state still holds the first power levels, though her join cites
     * the third. v2 resets the power levels to the first; v2.1 adds the events between the conflicted ones (the
     * conflicted state subgraph) and keeps the third.
     */
    private static TestRoom problemB(RoomVersion version) {
        TestRoom room = new TestRoom(version);
        room.create();
        room.add("MA", ALICE, EventTypes.MEMBER, ALICE, member("join", "alice"), List.of(), List.of("CREATE"));
        room.add("PL0", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100), List.of("MA"), List.of("MA"));
        room.add("JR", ALICE, EventTypes.JOIN_RULES, "", joinRule("public"), List.of("MA", "PL0"), List.of("PL0"));
        room.add("MB", BOB, EventTypes.MEMBER, BOB, member("join", "bob"), List.of("PL0", "JR"), List.of("JR"));
        room.add("MC", CHARLIE, EventTypes.MEMBER, CHARLIE, member("join", "charlie"), List.of("PL0", "JR"), List.of("MB"));
        room.add("PL1", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100, BOB, 50), List.of("PL0", "MA"),
                List.of("MC"));
        room.add("PL2", BOB, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100, BOB, 50, CHARLIE, 50),
                List.of("PL1", "MB"), List.of("PL1"));
        room.add("MZ", ZARA, EventTypes.MEMBER, ZARA, member("join", "zara"), List.of("PL2", "JR"), List.of("PL2"));
        room.add("ME", EVELYN, EventTypes.MEMBER, EVELYN, member("join", "eve"), List.of("PL2", "JR"), List.of("PL2"));
        room.add("ME2", EVELYN, EventTypes.MEMBER, EVELYN, member("join", "eve++"), List.of("PL2", "ME", "JR"),
                List.of("ME"));
        return room;
    }

    private static Map<StateKey, EventId> resolveProblemB(TestRoom room) {
        return room.resolve(List.of(
                room.state("CREATE", "MA", "PL0", "JR", "MB", "MC", "ME2"),
                room.state("CREATE", "MA", "JR", "MB", "MC", "PL2", "MZ")));
    }

    @Test
    void problemBv2ResetsThePowerLevels() {
        TestRoom room = problemB(RoomVersion.V11);
        assertThat(resolveProblemB(room)).isEqualTo(room.state("CREATE", "MA", "PL0", "JR", "MB", "MC", "ME2", "MZ"));
    }

    @Test
    void problemBv21KeepsTheLatestPowerLevelsThroughTheConflictedSubgraph() {
        TestRoom room = problemB(RoomVersion.V12);
        Map<StateKey, EventId> resolved = resolveProblemB(room);
        assertThat(resolved).isEqualTo(room.state("CREATE", "MA", "PL2", "JR", "MB", "MC", "ME2", "MZ"));
        assertThat(resolved.get(POWER_LEVELS)).isEqualTo(room.id("PL2"));
    }

    /**
     * element-hq/synapse tests/state/test_v21.py {@code StateResV21TestCase.test_state_reset_start_empty_set}: Alice
     * makes the room invite-only and leaves; another server gives a fork with the old public join rules.
     */
    private static TestRoom startEmptySet(RoomVersion version) {
        TestRoom room = new TestRoom(version);
        room.create();
        room.add("MA1", ALICE, EventTypes.MEMBER, ALICE, member("join"), List.of(), List.of("CREATE"));
        room.add("PW", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100, BOB, 100), List.of("MA1"),
                List.of("MA1"));
        room.add("JR1", ALICE, EventTypes.JOIN_RULES, "", joinRule("public"), List.of("MA1", "PW"), List.of("PW"));
        room.add("MB", BOB, EventTypes.MEMBER, BOB, member("join"), List.of("PW", "JR1"), List.of("JR1"));
        room.add("JR2", ALICE, EventTypes.JOIN_RULES, "", joinRule("invite"), List.of("MA1", "PW"), List.of("MB"));
        room.add("MA2", ALICE, EventTypes.MEMBER, ALICE, member("leave"), List.of("PW", "MA1"), List.of("JR2"));
        return room;
    }

    private static Map<StateKey, EventId> resolveStartEmptySet(TestRoom room) {
        return room.resolve(List.of(
                room.state("CREATE", "MA2", "MB", "PW", "JR2"),
                room.state("CREATE", "MA2", "MB", "PW", "JR1")));
    }

    @Test
    void startEmptySetV2DropsBothJoinRules() {
        TestRoom room = startEmptySet(RoomVersion.V10);
        assertThat(resolveStartEmptySet(room)).isEqualTo(room.state("CREATE", "MA2", "MB", "PW"));
    }

    @Test
    void startEmptySetV21KeepsTheNewJoinRules() {
        TestRoom room = startEmptySet(RoomVersion.V12);
        assertThat(resolveStartEmptySet(room)).isEqualTo(room.state("CREATE", "MA2", "MB", "PW", "JR2"));
    }

    /**
     * element-hq/synapse tests/state/test_v21.py
     * {@code StateResV21TestCase.test_state_reset_replay_conflicted_subgraph}: Evelyn's rename cites
     * the old power levels though her join cites the newest, and the fork's state holds the old ones.
     */
    private static TestRoom replaySubgraph(RoomVersion version) {
        TestRoom room = new TestRoom(version);
        room.create();
        room.add("E2", ALICE, EventTypes.MEMBER, ALICE, member("join"), List.of(), List.of("CREATE"));
        room.add("E3", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100), List.of("E2"), List.of("E2"));
        room.add("E4", ALICE, EventTypes.JOIN_RULES, "", joinRule("public"), List.of("E2", "E3"), List.of("E3"));
        room.add("E5", BOB, EventTypes.MEMBER, BOB, member("join"), List.of("E3", "E4"), List.of("E4"));
        room.add("E6", CHARLIE, EventTypes.MEMBER, CHARLIE, member("join"), List.of("E3", "E4"), List.of("E5"));
        room.add("E7", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100, BOB, 50), List.of("E2", "E3"),
                List.of("E6"));
        room.add("E8", BOB, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100, BOB, 50, CHARLIE, 50),
                List.of("E5", "E7"), List.of("E7"));
        room.add("E9", EVELYN, EventTypes.MEMBER, EVELYN, member("join"), List.of("E8", "E4"), List.of("E8"));
        room.add("E10", EVELYN, EventTypes.MEMBER, EVELYN, member("join"), List.of("E3", "E4", "E9"), List.of("E9"));
        room.add("E11", ZARA, EventTypes.MEMBER, ZARA, member("join"), List.of("E8", "E4"), List.of("E8"));
        return room;
    }

    private static Map<StateKey, EventId> resolveReplaySubgraph(TestRoom room) {
        return room.resolve(List.of(
                room.state("CREATE", "E2", "E5", "E6", "E10", "E3", "E4"),
                room.state("CREATE", "E2", "E5", "E6", "E11", "E8", "E4")));
    }

    @Test
    void replaySubgraphV2ResetsToTheOldPowerLevels() {
        TestRoom room = replaySubgraph(RoomVersion.V11);
        assertThat(resolveReplaySubgraph(room))
                .isEqualTo(room.state("CREATE", "E2", "E5", "E6", "E10", "E11", "E3", "E4"));
    }

    @Test
    void replaySubgraphV21ReplaysTheRenameInItsOwnPowerEpoch() {
        TestRoom room = replaySubgraph(RoomVersion.V12);
        // The rename (E10) is replayed first, in the epoch of the first power levels; then the join (E9), in
        // the epoch of the third, so E9 wins Evelyn's key.
        assertThat(resolveReplaySubgraph(room))
                .isEqualTo(room.state("CREATE", "E2", "E5", "E6", "E9", "E11", "E8", "E4"));
    }

    /**
     * ruma/ruma crates/ruma-state-res/tests/it/resolve.rs {@code origin_server_ts_tiebreak} (fixture
     * origin-server-ts-tiebreak.json): two join rules changes by the same sender on tied forks are ordered by
     * origin_server_ts, not by event ID (here the event IDs sort the other way round).
     */
    @Test
    void tiedEventsAreOrderedByTimestampBeforeEventId() {
        for (RoomVersion version : RoomVersion.values()) {
            TestRoom room = new TestRoom(version);
            room.create();
            room.add("MA", ALICE, EventTypes.MEMBER, ALICE, member("join"), List.of(), List.of("CREATE"));
            room.add("PL", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100), List.of("MA"), List.of("MA"));
            room.add("JR0", ALICE, EventTypes.JOIN_RULES, "", joinRule("invite"), List.of("MA", "PL"), List.of("PL"));
            room.add("JR2", ALICE, EventTypes.JOIN_RULES, "", joinRule("knock"), List.of("MA", "PL"), List.of("JR0"), 6);
            room.add("JR1", ALICE, EventTypes.JOIN_RULES, "", joinRule("public"), List.of("MA", "PL"), List.of("JR0"), 7);
            Map<StateKey, EventId> resolved = room.resolve(List.of(
                    room.state("CREATE", "MA", "PL", "JR2"), room.state("CREATE", "MA", "PL", "JR1")));
            assertThat(resolved.get(JOIN_RULES)).as("room version %s", version.id()).isEqualTo(room.id("JR1"));
        }
    }
    /**
     * ruma/ruma crates/ruma-state-res/src/state_res/tests.rs {@code ban_with_auth_chains2} (as of commit
     * 0047e543d, before the tests moved to snapshot fixtures): Ella is banned on one fork, and on the other joins
     * citing auth events from before the ban. The ban, a power event, is applied first and the join then fails.
     */
    @Test
    void aJoinCitingAuthEventsFromBeforeABanLosesToTheBan() {
        String ella = "@ella:example.com";
        for (RoomVersion version : RoomVersion.values()) {
            TestRoom room = new TestRoom(version);
            room.create();
            room.add("MA", ALICE, EventTypes.MEMBER, ALICE, member("join"), List.of(), List.of("CREATE"));
            room.add("PL", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100), List.of("MA"), List.of("MA"));
            room.add("JR", ALICE, EventTypes.JOIN_RULES, "", joinRule("public"), List.of("MA", "PL"), List.of("PL"));
            room.add("MB", BOB, EventTypes.MEMBER, BOB, member("join"), List.of("PL", "JR"), List.of("JR"));
            room.add("PA", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100, BOB, 50),
                    List.of("MA", "PL"), List.of("MB"));
            room.add("BAN", ALICE, EventTypes.MEMBER, ella, member("ban"), List.of("MA", "PA"), List.of("PA"));
            room.add("IME", ella, EventTypes.MEMBER, ella, member("join"), List.of("JR", "PA"), List.of("BAN"));
            Map<StateKey, EventId> resolved = room.resolve(List.of(
                    room.state("CREATE", "MA", "JR", "MB", "PA", "BAN"),
                    room.state("CREATE", "MA", "JR", "MB", "PA", "IME")));
            assertThat(resolved).as("room version %s", version.id())
                    .isEqualTo(room.state("CREATE", "MA", "JR", "MB", "PA", "BAN"));
        }
    }
}
