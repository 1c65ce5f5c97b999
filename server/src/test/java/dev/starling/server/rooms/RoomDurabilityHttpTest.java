package dev.starling.server.rooms;

import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.message;
import static dev.starling.server.rooms.RoomClient.path;
import static dev.starling.server.rooms.RoomClient.register;
import static dev.starling.server.rooms.RoomClient.room;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a send acknowledged survives a restart of the homeserver (SQLite, the embedded default). */
class RoomDurabilityHttpTest {
    @Test
    void roomsEventsAndTransactionIdsSurviveARestart() {
        try (TestHomeServer server = TestHomeServer.start(Backend.SQLITE, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{\"name\":\"Kept\"}");
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                sent.add(message(server, alice, roomId, "t" + i, "message " + i).json().path("event_id").asText());
            }

            server.restart();

            assertThat(server.get(room(roomId) + "/state/m.room.name", alice).json().path("name").asText()).isEqualTo("Kept");
            for (int i = 0; i < 5; i++) {
                assertThat(server.get(room(roomId) + "/event/" + path(sent.get(i)), alice).json().path("content")
                        .path("body").asText()).isEqualTo("message " + i);
            }
            assertThat(message(server, alice, roomId, "t4", "message 4").json().path("event_id").asText())
                    .as("a retried transaction after the restart").isEqualTo(sent.get(4));
            assertThat(message(server, alice, roomId, "t5", "after").status()).isEqualTo(200);
            assertThat(server.queryLong("SELECT COUNT(*) FROM room_forward_extremities")).isEqualTo(1);
        }
    }
}
