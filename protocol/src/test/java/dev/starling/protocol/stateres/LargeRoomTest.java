package dev.starling.protocol.stateres;

import static dev.starling.protocol.stateres.TestRoom.ALICE;
import static dev.starling.protocol.stateres.TestRoom.joinRule;
import static dev.starling.protocol.stateres.TestRoom.member;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.rooms.RoomVersion;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A synthetic room of 10,000 joined members forked in two: on one side Alice bans 500 members and raises one
 * member's power; on the other the same 500 members change their display names. That is 1,002 conflicted
 * state events; every ban must beat the rename of the same member, and the new power levels must win.
 * The time taken is printed (not asserted): resolution is meant to take well under a second.
 *
 * <p>Runs against the real {@code AuthRules.check} unless {@code -Dstateres.miniAuth=true}.
 */
class LargeRoomTest {
    private static final int MEMBERS = 10_000;
    private static final int CONFLICTED_MEMBERS = 500;

    private static String user(int i) {
        return "@u" + i + ":example.com";
    }

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = {"V11", "V12"})
    void bansBeatConcurrentRenamesInATenThousandMemberRoom(RoomVersion version) {
        TestRoom room = new TestRoom(version);
        room.create();
        room.add("MA", ALICE, EventTypes.MEMBER, ALICE, member("join"), List.of(), List.of("CREATE"));
        room.add("PL", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100), List.of("MA"), List.of("MA"));
        room.add("JR", ALICE, EventTypes.JOIN_RULES, "", joinRule("public"), List.of("MA", "PL"), List.of("PL"));
        List<String> base = new ArrayList<>(List.of("CREATE", "MA", "PL", "JR"));
        for (int i = 0; i < MEMBERS; i++) {
            String name = "M" + i;
            room.add(name, user(i), EventTypes.MEMBER, user(i), member("join"), List.of("PL", "JR"), List.of("JR"));
            base.add(name);
        }
        List<String> forkA = new ArrayList<>(base);
        List<String> forkB = new ArrayList<>(base);
        room.add("PL2", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100, user(MEMBERS - 1), 50),
                List.of("PL", "MA"), List.of("JR"));
        forkA.remove("PL");
        forkA.add("PL2");
        for (int i = 0; i < CONFLICTED_MEMBERS; i++) {
            room.add("BAN" + i, ALICE, EventTypes.MEMBER, user(i), member("ban"), List.of("PL2", "MA", "M" + i),
                    List.of("PL2"));
            room.add("REN" + i, user(i), EventTypes.MEMBER, user(i), member("join", "renamed " + i),
                    List.of("PL", "JR", "M" + i), List.of("JR"));
            forkA.remove("M" + i);
            forkA.add("BAN" + i);
            forkB.remove("M" + i);
            forkB.add("REN" + i);
        }
        Map<StateKey, EventId> a = room.state(forkA.toArray(String[]::new));
        Map<StateKey, EventId> b = room.state(forkB.toArray(String[]::new));

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        Map<StateKey, EventId> resolved = room.resolve(List.of(a, b));
        long firstMillis = (System.nanoTime() - start) / 1_000_000;
        long firstCpuMillis = (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
        for (int i = 0; i < 5; i++) {
            room.resolve(List.of(b, a));
        }
        start = System.nanoTime();
        cpuStart = threads.getCurrentThreadCpuTime();
        room.resolve(List.of(b, a));
        long warmMillis = (System.nanoTime() - start) / 1_000_000;
        long warmCpuMillis = (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
        System.out.printf("stateres: room version %s, %d members, %d conflicted events: first %d ms (%d ms CPU),"
                        + " warm %d ms (%d ms CPU)%n", version.id(), MEMBERS, 2 * CONFLICTED_MEMBERS + 2,
                firstMillis, firstCpuMillis, warmMillis, warmCpuMillis);

        Map<StateKey, EventId> expected = new HashMap<>(a);
        assertThat(resolved).hasSize(MEMBERS + 4).isEqualTo(expected);
        assertThat(resolved.get(new StateKey(EventTypes.MEMBER, user(0)))).isEqualTo(room.id("BAN0"));
        assertThat(resolved.get(new StateKey(EventTypes.POWER_LEVELS, ""))).isEqualTo(room.id("PL2"));
        assertThat(resolved.get(new StateKey(EventTypes.MEMBER, user(CONFLICTED_MEMBERS)))).isEqualTo(room.id("M" + CONFLICTED_MEMBERS));
    }
}
