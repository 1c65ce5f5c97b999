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
 * State resolution runs the rules tens of thousands of times in a big room. Each check must cost a few map
 * lookups, not a copy of the power levels or the member list: 40,000 checks against a room of 20,000
 * members take about a second on a loaded 2-CPU machine that way, and far longer if each check copied
 * the state (40,000 × 20,000 entries). (The 64 KiB
 * event limit caps {@code users} at about 1,500 entries; the rest have {@code users_default}.)
 */
class BigRoomTest {
    static final int MEMBERS = 20_000;
    static final int LISTED = 1_500;

    @Test
    void checksInAHugeRoomDoNotCopyTheState() {
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

        long start = System.nanoTime();
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
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(allowedKicks).as("MOD (50) may kick exactly the users below 50").isEqualTo(MEMBERS - LISTED + LISTED / 2);
        assertThat(millis).as("40,000 checks in a 20,000-member room").isLessThan(10_000);
        Pdu promote = room.powerLevels(RoomFixture.MOD, levels.deepCopy().put("ban", 51));
        assertThatThrownBy(() -> AuthRules.check(promote, state)).isInstanceOf(AuthException.class);
    }
}
