package dev.starling.server.rooms;

import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.membership;
import static dev.starling.server.rooms.RoomClient.message;
import static dev.starling.server.rooms.RoomClient.path;
import static dev.starling.server.rooms.RoomClient.register;
import static dev.starling.server.rooms.RoomClient.room;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;

/** GET /rooms/{roomId}/context/{eventId} through the real homeserver, on every database. */
class RoomContextHttpTest {
    static final String JOINED_ONLY = "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":"
            + "\"m.room.history_visibility\",\"state_key\":\"\",\"content\":{\"history_visibility\":\"joined\"}}]}";

    static List<String> bodies(JsonNode events) {
        List<String> bodies = new ArrayList<>();
        events.forEach(e -> bodies.add(e.path("content").path("body").asText(e.path("type").asText())));
        return bodies;
    }

    static String id(Reply reply) {
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().path("event_id").asText();
    }

    static String encode(String json) {
        return path(json);
    }

    @OnEveryDatabase
    void theEventComesWithItsNeighboursTokensAndTheStateAtTheLastOne(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{}");
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                ids.add(id(message(server, alice, roomId, "m" + i, "m" + i)));
            }
            Reply context = server.get(room(roomId) + "/context/" + path(ids.get(2)) + "?limit=4", alice);
            assertThat(context.status()).as(context.json().toString()).isEqualTo(200);
            JsonNode body = context.json();
            assertThat(body.path("event").path("event_id").asText()).isEqualTo(ids.get(2));
            assertThat(bodies(body.path("events_before"))).containsExactly("m2", "m1");
            assertThat(bodies(body.path("events_after"))).containsExactly("m4", "m5");
            assertThat(body.path("event").path("unsigned").path("transaction_id").asText()).isEqualTo("m3");
            List<String> stateTypes = new ArrayList<>();
            body.path("state").forEach(e -> stateTypes.add(e.path("type").asText()));
            assertThat(stateTypes).contains("m.room.create", "m.room.member", "m.room.power_levels");

            JsonNode forwards = server.get(room(roomId) + "/messages?dir=f&from=" + body.path("end").asText(), alice)
                    .json();
            assertThat(bodies(forwards.path("chunk"))).containsExactly("m6");
            JsonNode backwards = server.get(room(roomId) + "/messages?dir=b&limit=1&from="
                    + body.path("start").asText(), alice).json();
            assertThat(backwards.path("chunk").get(0).path("type").asText()).isNotEqualTo("m.room.message");

            Reply zero = server.get(room(roomId) + "/context/" + path(ids.get(2)) + "?limit=0", alice);
            assertThat(zero.json().path("events_before").size()).isZero();
            assertThat(zero.json().path("events_after").size()).isZero();
            assertThat(zero.json().path("event").path("event_id").asText()).isEqualTo(ids.get(2));
        }
    }

    @OnEveryDatabase
    void theFilterAppliesToTheNeighboursAndLazyLoadsTheStatesMembers(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            String first = id(message(server, alice, roomId, "m1", "a1"));
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            id(message(server, bob, roomId, "m2", "b1"));
            String middle = id(message(server, alice, roomId, "m3", "a2"));
            id(message(server, bob, roomId, "m4", "b2"));

            String filter = encode("{\"types\":[\"m.room.mess*\"],\"not_senders\":[\"@bob:example.org\"],"
                    + "\"lazy_load_members\":true}");
            JsonNode body = server.get(room(roomId) + "/context/" + path(middle) + "?limit=4&filter=" + filter, alice)
                    .json();
            assertThat(bodies(body.path("events_before"))).containsExactly("a1");
            assertThat(body.path("events_after").size()).isZero();
            List<String> memberKeys = new ArrayList<>();
            body.path("state").forEach(e -> {
                if (e.path("type").asText().equals("m.room.member")) {
                    memberKeys.add(e.path("state_key").asText());
                }
            });
            // Lazy-loading: only the members of the events returned (alice's), not bob's.
            assertThat(memberKeys).containsExactly("@alice:example.org");
            assertThat(first).startsWith("$");

            Reply badFilter = server.get(room(roomId) + "/context/" + path(middle) + "?filter=" + encode("{\"types\":1}"),
                    alice);
            assertThat(badFilter.status()).isEqualTo(400);
            assertThat(badFilter.errcode()).isEqualTo("M_INVALID_PARAM");
            Reply badLimit = server.get(room(roomId) + "/context/" + path(middle) + "?limit=-1", alice);
            assertThat(badLimit.status()).isEqualTo(400);
            assertThat(badLimit.errcode()).isEqualTo("M_INVALID_PARAM");
        }
    }

    @OnEveryDatabase
    void anEventTheUserMayNotSeeIsAsMissingAsAnUnknownOne(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, JOINED_ONLY);
            String other = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            String hidden = id(message(server, alice, roomId, "m1", "before bob"));
            String elsewhere = id(message(server, alice, other, "m2", "other room"));
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            String seen = id(message(server, alice, roomId, "m3", "after bob joined"));

            Reply invisible = server.get(room(roomId) + "/context/" + path(hidden), bob);
            Reply missing = server.get(room(roomId) + "/context/" + path("$" + "A".repeat(43)), bob);
            Reply otherRoom = server.get(room(roomId) + "/context/" + path(elsewhere), alice);
            for (Reply reply : List.of(invisible, missing, otherRoom)) {
                assertThat(reply.status()).isEqualTo(404);
                assertThat(reply.errcode()).isEqualTo("M_NOT_FOUND");
                assertThat(reply.json().path("error").asText()).isEqualTo(missing.json().path("error").asText());
            }
            JsonNode visible = server.get(room(roomId) + "/context/" + path(seen), bob).json();
            assertThat(bodies(visible.path("events_before"))).doesNotContain("before bob");
        }
    }
}
