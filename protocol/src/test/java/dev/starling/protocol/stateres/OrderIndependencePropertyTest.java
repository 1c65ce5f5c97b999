package dev.starling.protocol.stateres;

import static dev.starling.protocol.stateres.TestRoom.ALICE;
import static dev.starling.protocol.stateres.TestRoom.BOB;
import static dev.starling.protocol.stateres.TestRoom.CHARLIE;
import static dev.starling.protocol.stateres.TestRoom.joinRule;
import static dev.starling.protocol.stateres.TestRoom.member;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Resolution depends on the set of states, not on their order. Four forks of one room (power levels, join rules,
 * a ban, topics) are resolved in every order. Runs against the real {@code AuthRules.check} unless
 * {@code -Dstateres.miniAuth=true}.
 */
class OrderIndependencePropertyTest {

    @Property(tries = 60)
    void resolutionDoesNotDependOnTheOrderOfTheStates(@ForAll RoomVersion version,
            @ForAll("orders") List<Integer> order) {
        TestRoom room = new TestRoom(version);
        room.create();
        room.add("MA", ALICE, EventTypes.MEMBER, ALICE, member("join"), List.of(), List.of("CREATE"));
        room.add("PL", ALICE, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100, BOB, 50), List.of("MA"),
                List.of("MA"));
        room.add("JR", ALICE, EventTypes.JOIN_RULES, "", joinRule("public"), List.of("MA", "PL"), List.of("PL"));
        room.add("MB", BOB, EventTypes.MEMBER, BOB, member("join"), List.of("PL", "JR"), List.of("JR"));
        room.add("MC", CHARLIE, EventTypes.MEMBER, CHARLIE, member("join"), List.of("PL", "JR"), List.of("MB"));
        room.add("TB", BOB, EventTypes.TOPIC, "", TestRoom.topic("bob"), List.of("PL", "MB"), List.of("MC"));
        room.add("BAN", ALICE, EventTypes.MEMBER, BOB, member("ban"), List.of("PL", "MA", "MB"), List.of("MC"));
        room.add("PL2", BOB, EventTypes.POWER_LEVELS, "", room.powerLevels(ALICE, 100, BOB, 50, CHARLIE, 50),
                List.of("PL", "MB"), List.of("MC"));
        room.add("TC", CHARLIE, EventTypes.TOPIC, "", TestRoom.topic("charlie"), List.of("PL2", "MC"), List.of("PL2"));
        room.add("JR2", ALICE, EventTypes.JOIN_RULES, "", joinRule("invite"), List.of("PL", "MA"), List.of("MC"));
        List<Map<StateKey, EventId>> states = List.of(
                room.state("CREATE", "MA", "PL", "JR", "MB", "MC", "TB"),
                room.state("CREATE", "MA", "PL", "JR", "BAN", "MC"),
                room.state("CREATE", "MA", "PL2", "JR", "MB", "MC", "TC"),
                room.state("CREATE", "MA", "PL", "JR2", "MB", "MC"));
        List<Map<StateKey, EventId>> shuffled = new ArrayList<>();
        order.forEach(i -> shuffled.add(states.get(i)));
        assertThat(room.resolve(shuffled)).isEqualTo(room.resolve(states));
    }

    @Provide
    Arbitrary<List<Integer>> orders() {
        return Arbitraries.shuffle(0, 1, 2, 3);
    }
}
