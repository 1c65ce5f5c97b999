package dev.starling.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.InvalidEventException;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** v12 rules 1.2 and 2: the create event has no room_id, and the room ID is its hash. */
class CreateEventTest {

    @Test
    void v12CreateWithRoomIdNeverReachesTheRules() {
        // Rule 1.2 is enforced when the PDU is parsed, so AuthRules never sees such an event.
        ObjectNode json = RoomFixture.createEvent(RoomVersion.V12, RoomFixture.createContent(RoomVersion.V12)).json();
        json.put("room_id", "!room:example.org");
        assertThatThrownBy(() -> Pdu.fromJson(json, RoomVersion.V12)).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void v12RoomIdIsTheCreateEventIdWithAnExclamationMark() {
        Pdu create = RoomFixture.createEvent(RoomVersion.V12, RoomFixture.createContent(RoomVersion.V12));
        assertThat(create.roomId().value()).isEqualTo("!" + create.eventId().value().substring(1));
        RoomFixture room = RoomFixture.standard(RoomVersion.V12);
        Pdu otherCreate = RoomFixture.createEvent(RoomVersion.V12, RoomFixture.BOB, RoomFixture.createContent(RoomVersion.V12), List.of(), "");
        // The state's create event must be the one the room ID names (rule 2).
        java.util.Map<dev.starling.protocol.events.StateKey, Pdu> swapped = new java.util.HashMap<>(room.state());
        swapped.put(AuthEventSelection.CREATE, otherCreate);
        assertThatThrownBy(() -> AuthRules.check(room.message(RoomFixture.BOB), swapped))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.rule()).isEqualTo(AuthRule.ROOM_ID));
    }
}
