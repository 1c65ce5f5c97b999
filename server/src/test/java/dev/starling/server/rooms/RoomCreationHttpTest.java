package dev.starling.server.rooms;

import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.register;
import static dev.starling.server.rooms.RoomClient.room;
import static dev.starling.server.rooms.RoomClient.state;
import static dev.starling.server.rooms.RoomClient.stateEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;

/** POST /createRoom through the real homeserver, on every database and room version. */
class RoomCreationHttpTest {
    @OnEveryDatabase
    void roomsOfEveryVersionStartWithTheSpecsStateInOrder(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            register(server, "bob");
            for (String version : List.of("10", "11", "12")) {
                String roomId = createRoom(server, alice, "{\"room_version\":\"" + version + "\",\"preset\":\"public_chat\","
                        + "\"name\":\"Lobby\",\"topic\":\"Chat\",\"invite\":[\"@bob:example.org\"],\"is_direct\":true}");
                if (version.equals("12")) {
                    assertThat(roomId).doesNotContain(":");
                } else {
                    assertThat(roomId).endsWith(":example.org");
                }
                Reply reply = state(server, alice, roomId);
                assertThat(reply.status()).isEqualTo(200);
                JsonNode state = reply.json();
                JsonNode create = stateEvent(state, "m.room.create", "");
                assertThat(create.path("content").path("room_version").asText()).isEqualTo(version);
                assertThat(create.path("room_id").asText()).isEqualTo(roomId);
                assertThat(create.path("content").has("creator")).isEqualTo(version.equals("10"));
                assertThat(stateEvent(state, "m.room.member", "@alice:example.org").path("content").path("membership")
                        .asText()).isEqualTo("join");
                JsonNode invite = stateEvent(state, "m.room.member", "@bob:example.org").path("content");
                assertThat(invite.path("membership").asText()).isEqualTo("invite");
                assertThat(invite.path("is_direct").asBoolean()).isTrue();
                assertThat(stateEvent(state, "m.room.join_rules", "").path("content").path("join_rule").asText())
                        .isEqualTo("public");
                assertThat(stateEvent(state, "m.room.history_visibility", "").path("content")
                        .path("history_visibility").asText()).isEqualTo("shared");
                assertThat(stateEvent(state, "m.room.guest_access", "").path("content").path("guest_access").asText())
                        .isEqualTo("forbidden");
                assertThat(stateEvent(state, "m.room.name", "").path("content").path("name").asText()).isEqualTo("Lobby");
                assertThat(stateEvent(state, "m.room.topic", "").path("content").path("topic").asText()).isEqualTo("Chat");
                JsonNode levels = stateEvent(state, "m.room.power_levels", "").path("content");
                // v12 creators have infinite power and may not be listed (spec, createRoom step 3).
                assertThat(levels.path("users").has("@alice:example.org")).isEqualTo(!version.equals("12"));
                assertThat(levels.path("events").path("m.room.tombstone").asInt())
                        .isEqualTo(version.equals("12") ? 150 : 100);
                assertThat(state).hasSize(9);

                JsonNode createById = server.get(room(roomId) + "/event/" + RoomClient.path(create.path("event_id").asText()),
                        alice).json();
                assertThat(createById.path("type").asText()).isEqualTo("m.room.create");
                Reply name = server.get(room(roomId) + "/state/m.room.name/", alice);
                assertThat(name.json().path("name").asText()).isEqualTo("Lobby");
                assertThat(server.get(room(roomId) + "/state/m.room.name", alice).json().path("name").asText())
                        .isEqualTo("Lobby");
            }
            List<String> joined = new ArrayList<>();
            server.get(RoomClient.V3 + "/joined_rooms", alice).json().path("joined_rooms").forEach(r -> joined.add(r.asText()));
            assertThat(joined).hasSize(3);
        }
    }

    @OnEveryDatabase
    void presetsInitialStateAndOverridesShapeTheRoom(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"trusted_private_chat\",\"invite\":[\"@bob:example.org\"],"
                    + "\"initial_state\":[{\"type\":\"m.room.join_rules\",\"content\":{\"join_rule\":\"knock\"}},"
                    + "{\"type\":\"m.room.name\",\"content\":{\"name\":\"overridden\"}},"
                    + "{\"type\":\"org.example.custom\",\"state_key\":\"k\",\"content\":{\"x\":1}}],"
                    + "\"name\":\"Final\",\"power_level_content_override\":{\"events_default\":10}}");
            JsonNode state = state(server, alice, roomId).json();
            assertThat(stateEvent(state, "m.room.join_rules", "").path("content").path("join_rule").asText()).isEqualTo("knock");
            assertThat(stateEvent(state, "m.room.guest_access", "").path("content").path("guest_access").asText())
                    .isEqualTo("can_join");
            assertThat(stateEvent(state, "m.room.name", "").path("content").path("name").asText()).isEqualTo("Final");
            assertThat(stateEvent(state, "org.example.custom", "k").path("content").path("x").asInt()).isEqualTo(1);
            JsonNode create = stateEvent(state, "m.room.create", "").path("content");
            assertThat(create.path("room_version").asText()).isEqualTo("12");
            assertThat(create.path("additional_creators").toString()).isEqualTo("[\"@bob:example.org\"]");
            JsonNode levels = stateEvent(state, "m.room.power_levels", "").path("content");
            assertThat(levels.path("events_default").asInt()).isEqualTo(10);
            assertThat(levels.path("invite").asInt()).isEqualTo(0);
        }
    }

    @OnEveryDatabase
    void badCreationRequestsAreRefusedAndCreateNothing(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            record Case(String body, int status, String errcode) {}
            for (Case c : List.of(
                    new Case("{\"room_version\":\"9\"}", 400, "M_UNSUPPORTED_ROOM_VERSION"),
                    new Case("{\"room_version\":12}", 400, "M_BAD_JSON"),
                    new Case("{\"preset\":\"party\"}", 400, "M_INVALID_PARAM"),
                    new Case("{\"invite\":[\"bob\"]}", 400, "M_INVALID_PARAM"),
                    new Case("{\"invite\":[\"@nobody:example.org\"]}", 400, "M_INVALID_PARAM"),
                    new Case("{\"initial_state\":{}}", 400, "M_BAD_JSON"),
                    new Case("{\"initial_state\":[{\"type\":\"m.room.name\",\"content\":\"x\"}]}", 400, "M_BAD_JSON"),
                    new Case("{\"power_level_content_override\":{\"users\":{\"@alice:example.org\":100}}}", 400,
                            "M_INVALID_ROOM_STATE"),
                    new Case("{\"name\":\"" + "n".repeat(70_000) + "\"}", 413, "M_TOO_LARGE"),
                    new Case("[]", 400, "M_BAD_JSON"))) {
                Reply reply = server.post(RoomClient.V3 + "/createRoom", c.body(), alice);
                assertThat(reply.status()).as(c.body()).isEqualTo(c.status());
                assertThat(reply.errcode()).as(c.body()).isEqualTo(c.errcode());
            }
            assertThat(server.get(RoomClient.V3 + "/joined_rooms", alice).json().path("joined_rooms")).isEmpty();
        }
    }
}
