package dev.starling.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rules in a room of 20,000 members, where most members have {@code users_default} because the 64 KiB
 * event limit caps {@code users} at about 1,500 entries. How fast a check is is measured by the JMH
 * benchmark {@code AuthBenchmark}, not here.
 */
class BigRoomTest {
    static final int MEMBERS = 20_000;
    static final int LISTED = 1_500;

    @Test
    void kicksInAHugeRoomFollowEachMembersLevel() {
        RoomFixture room = RoomFixture.standard(RoomVersion.V12);
        List<UserId> users = new ArrayList<>();
        ObjectNode levels = room.defaultLevels();
        for (int i = 0; i < MEMBERS; i++) {
            UserId user = RoomFixture.user("u" + i);
            users.add(user);
            if (i < LISTED) {
                RoomFixture.users(levels).put(user.value(), i % 100);
            }
            room.put(room.member(user, user, "join"));
        }
        room.put(room.powerLevels(RoomFixture.ALICE, levels));
        Map<StateKey, Pdu> state = room.state();
        List<Pdu> messages = users.stream().map(room::message).toList();
        List<Pdu> kicks = users.stream().map(u -> room.member(RoomFixture.MOD, u, "leave")).toList();

        int allowedKicks = 0;
        for (int i = 0; i < MEMBERS; i++) {
            AuthRules.check(messages.get(i), state);
            try {
                AuthRules.check(kicks.get(i), state);
                allowedKicks++;
            } catch (AuthException e) {
                assertThat(e.rule()).isEqualTo(AuthRule.LEAVE);
            }
        }

        assertThat(allowedKicks).as("MOD (50) may kick exactly the users below 50").isEqualTo(MEMBERS - LISTED + LISTED / 2);
        Pdu promote = room.powerLevels(RoomFixture.MOD, levels.deepCopy().put("ban", 51));
        assertThatThrownBy(() -> AuthRules.check(promote, state)).isInstanceOf(AuthException.class);
    }
}
