package dev.starling.protocol.stateres;

import static dev.starling.protocol.stateres.DagHarness.edges;
import static dev.starling.protocol.stateres.DagHarness.member;
import static dev.starling.protocol.stateres.DagHarness.message;
import static dev.starling.protocol.stateres.DagHarness.topic;
import static dev.starling.protocol.stateres.TestRoom.ALICE;
import static dev.starling.protocol.stateres.TestRoom.BOB;
import static dev.starling.protocol.stateres.TestRoom.CHARLIE;
import static dev.starling.protocol.stateres.TestRoom.EVELYN;
import static dev.starling.protocol.stateres.TestRoom.ZARA;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * State resolution scenarios on a DAG, run in room versions 10, 11 (v2) and 12 (v2.1), where both algorithms
 * agree. Each names the public test it reproduces. In version 12 Alice is the creator with infinite power, so
 * power levels never list her.
 *
 * <p>These run against the real {@code AuthRules.check} unless {@code -Dstateres.miniAuth=true}.
 */
class DagScenariosTest {

    /**
     * element-hq/synapse tests/state/test_v2.py {@code StateTestCase.test_ban_vs_pl}; ruma/ruma
     * crates/ruma-state-res/tests/it/resolve.rs {@code ban_vs_power_levels} (fixtures ban-vs-power-levels-*.json).
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void aBanBeatsAConcurrentPowerLevelsChangeByTheBannedUser(RoomVersion version) {
        DagHarness dag = new DagHarness(version);
        dag.check(List.of(
                        dag.powerLevels("PA", ALICE, ALICE, 100, BOB, 50),
                        DagHarness.state("MA", ALICE, EventTypes.MEMBER, ALICE, TestRoom.member("join")),
                        member("MB", ALICE, BOB, "ban"),
                        dag.powerLevels("PB", BOB, ALICE, 100, BOB, 50)),
                edges("END MB MA PA START", "END PB PA"),
                "PA", "MA", "MB");
    }

    /**
     * element-hq/synapse tests/state/test_v2.py {@code StateTestCase.test_join_rule_evasion}; ruma/ruma
     * crates/ruma-state-res/tests/it/resolve.rs {@code join_rules_vs_join} (fixtures join-rules-vs-join-*.json): a
     * join racing a change to invite-only is dropped.
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void aJoinConcurrentWithJoinRulesBecomingInviteOnlyIsDropped(RoomVersion version) {
        DagHarness dag = new DagHarness(version);
        dag.check(List.of(
                        DagHarness.state("JR", ALICE, EventTypes.JOIN_RULES, "", TestRoom.joinRule("invite")),
                        member("ME", EVELYN, EVELYN, "join")),
                edges("END JR START", "END ME START"),
                "JR");
    }

    /**
     * element-hq/synapse tests/state/test_v2.py {@code StateTestCase.test_offtopic_pl}: a chain of power-levels
     * changes beats its own ancestor.
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void aLaterPowerLevelsChainWinsOverItsAncestor(RoomVersion version) {
        DagHarness dag = new DagHarness(version);
        dag.check(List.of(
                        dag.powerLevels("PA", ALICE, ALICE, 100, BOB, 50),
                        dag.powerLevels("PB", BOB, ALICE, 100, BOB, 50, CHARLIE, 50),
                        dag.powerLevels("PC", CHARLIE, ALICE, 100, BOB, 50, CHARLIE, 0)),
                edges("END PC PB PA START", "END PA"),
                "PC");
    }

    /**
     * element-hq/synapse tests/state/test_v2.py {@code StateTestCase.test_topic_basic}: a topic from a since-demoted
     * user loses.
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void aTopicFromADemotedUserLoses(RoomVersion version) {
        DagHarness dag = new DagHarness(version);
        dag.check(List.of(
                        topic("T1", ALICE),
                        dag.powerLevels("PA1", ALICE, ALICE, 100, BOB, 50),
                        topic("T2", ALICE),
                        dag.powerLevels("PA2", ALICE, ALICE, 100, BOB, 0),
                        dag.powerLevels("PB", BOB, ALICE, 100, BOB, 50),
                        topic("T3", BOB)),
                edges("END PA2 T2 PA1 T1 START", "END T3 PB PA1"),
                "PA2", "T2");
    }

    /**
     * element-hq/synapse tests/state/test_v2.py {@code StateTestCase.test_topic_reset}: a ban resets the topic to the
     * one before the banned user's.
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void aBanResetsTheTopicSetByTheBannedUser(RoomVersion version) {
        DagHarness dag = new DagHarness(version);
        dag.check(List.of(
                        topic("T1", ALICE),
                        dag.powerLevels("PA", ALICE, ALICE, 100, BOB, 50),
                        topic("T2", BOB),
                        member("MB", ALICE, BOB, "ban")),
                edges("END MB T2 PA T1 START", "END T1"),
                "T1", "MB", "PA");
    }

    /**
     * element-hq/synapse tests/state/test_v2.py {@code StateTestCase.test_topic}: a topic after the winning power
     * levels wins.
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void theTopicAfterTheWinningPowerLevelsWins(RoomVersion version) {
        DagHarness dag = new DagHarness(version);
        dag.check(List.of(
                        topic("T1", ALICE),
                        dag.powerLevels("PA1", ALICE, ALICE, 100, BOB, 50),
                        topic("T2", ALICE),
                        dag.powerLevels("PA2", ALICE, ALICE, 100, BOB, 0),
                        dag.powerLevels("PB", BOB, ALICE, 100, BOB, 50),
                        topic("T3", BOB),
                        message("MZ1", ZARA),
                        topic("T4", ALICE)),
                edges("END T4 MZ1 PA2 T2 PA1 T1 START", "END MZ1 T3 PB PA1"),
                "T4", "PA2");
    }

    /**
     * element-hq/synapse tests/state/test_v2.py {@code StateTestCase.test_mainline_sort}: T3 wins although T4 was
     * sent later, because T4 cites an older power-levels event of the mainline.
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void mainlineOrderingPrefersTheTopicCitingNewerPowerLevels(RoomVersion version) {
        DagHarness dag = new DagHarness(version);
        var pa2 = dag.room.powerLevels(ALICE, 100, BOB, 50);
        pa2.putObject("events").put(EventTypes.POWER_LEVELS, 100);
        dag.check(List.of(
                        topic("T1", ALICE),
                        dag.powerLevels("PA1", ALICE, ALICE, 100, BOB, 50),
                        topic("T2", ALICE),
                        DagHarness.state("PA2", ALICE, EventTypes.POWER_LEVELS, "", pa2),
                        dag.powerLevels("PB", BOB, ALICE, 100, BOB, 50),
                        topic("T3", BOB),
                        topic("T4", ALICE)),
                edges("END T3 PA2 T2 PA1 T1 START", "END T4 PB PA1"),
                "T3", "PA2");
    }

    /**
     * ruma/ruma crates/ruma-state-res/tests/it/resolve.rs {@code topic_vs_ban} (fixtures topic-vs-ban-*.json): Bob's
     * topic loses to his concurrent ban.
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void aTopicFromAConcurrentlyBannedUserLoses(RoomVersion version) {
        DagHarness dag = new DagHarness(version);
        dag.check(List.of(
                        dag.powerLevels("PA", ALICE, ALICE, 100, BOB, 50),
                        topic("T0", ALICE),
                        member("MB", ALICE, BOB, "ban"),
                        topic("TB", BOB)),
                edges("END MB T0 PA START", "END TB T0"),
                "PA", "T0", "MB");
    }

    /**
     * ruma/ruma crates/ruma-state-res/tests/it/resolve.rs {@code power_levels_admin_vs_mod} (fixtures
     * power-levels-admin-vs-mod-*.json): the admin's demotion beats the moderator's concurrent change.
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void anAdminsDemotionBeatsTheModeratorsConcurrentPowerLevels(RoomVersion version) {
        DagHarness dag = new DagHarness(version);
        var bobs = dag.room.powerLevels(ALICE, 100, BOB, 50);
        bobs.put("users_default", -1);
        dag.check(List.of(
                        dag.powerLevels("PA", ALICE, ALICE, 100, BOB, 50),
                        dag.powerLevels("PA2", ALICE, ALICE, 100, BOB, 0),
                        DagHarness.state("PB2", BOB, EventTypes.POWER_LEVELS, "", bobs)),
                edges("END PA2 PA START", "END PB2 PA"),
                "PA2");
    }

    /**
     * ruma/ruma crates/ruma-state-res/tests/it/resolve.rs {@code concurrent_joins} (fixtures
     * concurrent-joins-charlie.json and concurrent-joins-ella.json, here Evelyn and Xavier, as Charlie is already in
     * our base room): both joins survive.
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void concurrentJoinsAreBothKept(RoomVersion version) {
        DagHarness dag = new DagHarness(version);
        dag.check(List.of(
                        member("JE", EVELYN, EVELYN, "join"),
                        member("JX", "@xavier:example.com", "@xavier:example.com", "join")),
                edges("END JE START", "END JX START"),
                "JE", "JX");
    }

    /**
     * Not from a public suite: our own variant of Synapse's {@code test_ban_vs_pl} for kicks (a kick is a power event
     * by the spec's definition): the kick is applied first, then the kicked user's concurrent profile change, a
     * membership "join", is authorised again as a rejoin of a public room, so it wins. (A ban would keep them out.)
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void aProfileChangeConcurrentWithAKickActsAsARejoinOfAPublicRoom(RoomVersion version) {
        DagHarness dag = new DagHarness(version);
        var rename = JsonNodeFactory.instance.objectNode().put("membership", "join").put("displayname", "Charles");
        dag.check(List.of(
                        member("KC", ALICE, CHARLIE, "leave"),
                        DagHarness.state("RC", CHARLIE, EventTypes.MEMBER, CHARLIE, rename)),
                edges("END KC START", "END RC START"),
                "RC");
    }
    /**
     * ruma/ruma crates/ruma-state-res/tests/it/resolve.rs {@code topic_vs_power_levels} (fixtures
     * topic-vs-power-levels-*.json): Bob's topic loses to his concurrent demotion by Alice.
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void aTopicFromAConcurrentlyDemotedUserLoses(RoomVersion version) {
        DagHarness dag = new DagHarness(version);
        dag.check(List.of(
                        dag.powerLevels("PA", ALICE, ALICE, 100, BOB, 50),
                        dag.powerLevels("PD", ALICE, ALICE, 100, BOB, 0),
                        topic("TB", BOB)),
                edges("END PD PA START", "END TB PA"),
                "PD");
    }

    /**
     * matrix-org/complement tests/federation_state_resolution_test.go {@code TestFederationStateResolution}
     * (matrix-spec issue 1209): a user names the room twice while, on a fork after the first name, a moderator bans
     * them. Both names are conflicted and both fail once the ban is applied, so the name is dropped altogether (the
     * complement test accepts "reverted or dropped"; by the algorithm it is dropped). Roles adapted: Charlie names
     * the room and Bob bans him, as our creator Alice cannot be banned in room version 12.
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void roomNamesFromAConcurrentlyBannedUserAreDropped(RoomVersion version) {
        DagHarness dag = new DagHarness(version);
        var levels = dag.room.powerLevels(ALICE, 100, BOB, 75, CHARLIE, 50);
        levels.putObject("events").put(EventTypes.NAME, 50);
        dag.check(List.of(
                        DagHarness.state("PA", ALICE, EventTypes.POWER_LEVELS, "", levels),
                        DagHarness.state("NB", BOB, EventTypes.NAME, "", JsonNodeFactory.instance.objectNode()
                                .put("name", "Bob initial")),
                        DagHarness.state("N1", CHARLIE, EventTypes.NAME, "", JsonNodeFactory.instance.objectNode()
                                .put("name", "Charlie initial")),
                        DagHarness.state("N2", CHARLIE, EventTypes.NAME, "", JsonNodeFactory.instance.objectNode()
                                .put("name", "Bad name")),
                        member("K", BOB, CHARLIE, "ban")),
                edges("END N2 N1 NB PA START", "END K N1"),
                "PA", "K");
    }

    /**
     * ruma/ruma crates/ruma-state-res/src/state_res/tests.rs {@code ban_with_auth_chains} (the first variant, as
     * of commit 0047e543d, before the tests moved to snapshot fixtures): Alice bans Ella (here Evelyn), and Ella
     * then joins on top of the ban, citing it. Merging the two, the ban, a power event, is applied first and the
     * join that follows it fails.
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void aJoinBuiltOnTopOfABanLosesToIt(RoomVersion version) {
        DagHarness dag = new DagHarness(version);
        dag.check(List.of(
                        dag.powerLevels("PA", ALICE, ALICE, 100, BOB, 50),
                        member("MB", ALICE, EVELYN, "ban"),
                        member("IME", EVELYN, EVELYN, "join")),
                edges("END MB PA START", "END IME MB"),
                "PA", "MB");
    }

    /**
     * element-hq/synapse tests/state/test_v2.py {@code SimpleParamStateTestCase.test_event_map_none}; ruma/ruma
     * crates/ruma-state-res/src/state_res/tests.rs {@code test_event_map_none} (its {@code TestStore::set_up}):
     * in a room with no power levels at all, Bob and Charlie join at the same time, each citing only the create
     * event and the join rules; both joins are kept.
     */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void concurrentJoinsInARoomWithoutPowerLevelsAreBothKept(RoomVersion version) {
        TestRoom room = new TestRoom(version);
        room.create();
        room.add("IMA", ALICE, EventTypes.MEMBER, ALICE, TestRoom.member("join"), List.of(), List.of("CREATE"));
        room.add("IJR", ALICE, EventTypes.JOIN_RULES, "", TestRoom.joinRule("public"), List.of("IMA"),
                List.of("IMA"));
        room.add("IMB", BOB, EventTypes.MEMBER, BOB, TestRoom.member("join"), List.of("IJR"), List.of("IJR"));
        room.add("IMC", CHARLIE, EventTypes.MEMBER, CHARLIE, TestRoom.member("join"), List.of("IJR"),
                List.of("IJR"));
        assertThat(room.resolve(List.of(
                        room.state("CREATE", "IMA", "IJR", "IMB"), room.state("CREATE", "IMA", "IJR", "IMC"))))
                .isEqualTo(room.state("CREATE", "IMA", "IJR", "IMB", "IMC"));
    }
}
