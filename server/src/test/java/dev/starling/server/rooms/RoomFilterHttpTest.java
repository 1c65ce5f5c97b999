package dev.starling.server.rooms;

import static dev.starling.server.rooms.RoomClient.V3;
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

/** RoomEventFilter on /messages and the room part of /sync filters, with lazy-loaded members, on every database. */
class RoomFilterHttpTest {
    static List<String> bodies(JsonNode events) {
        return RoomContextHttpTest.bodies(events);
    }

    static List<String> memberKeys(JsonNode events) {
        List<String> keys = new ArrayList<>();
        events.forEach(e -> {
            if (e.path("type").asText().equals("m.room.member")) {
                keys.add(e.path("state_key").asText());
            }
        });
        return keys;
    }

    static JsonNode messages(TestHomeServer server, String token, String roomId, String query) {
        Reply reply = server.get(room(roomId) + "/messages?dir=b" + query, token);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json();
    }

    static String filter(String json) {
        return "&filter=" + path(json);
    }

    @OnEveryDatabase
    void messagesKeepsOnlyWhatTheFilterMatchesAndLazyLoadsTheSenders(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String carol = register(server, "carol");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            assertThat(membership(server, carol, roomId, "join", null).status()).isEqualTo(200);
            message(server, alice, roomId, "m1", "a1");
            message(server, bob, roomId, "m2", "b1");
            server.put(room(roomId) + "/send/m.room.message/m3", "{\"msgtype\":\"m.image\",\"body\":\"pic\","
                    + "\"url\":\"mxc://example.org/abc\"}", alice);
            message(server, alice, roomId, "m4", "a2");

            assertThat(bodies(messages(server, alice, roomId, filter("{\"types\":[\"m.room.message\"]}"))
                    .path("chunk"))).containsExactly("a2", "pic", "b1", "a1");
            assertThat(bodies(messages(server, alice, roomId, filter("{\"types\":[\"m.room.*\"],"
                    + "\"not_types\":[\"m.room.member\",\"m.room.power_levels\",\"m.room.join_rules\","
                    + "\"m.room.history_visibility\",\"m.room.create\",\"m.room.guest_access\"]}")).path("chunk")))
                    .containsExactly("a2", "pic", "b1", "a1");
            assertThat(bodies(messages(server, alice, roomId, filter(
                    "{\"senders\":[\"@bob:example.org\"],\"not_types\":[\"m.room.member\"]}"))
                    .path("chunk"))).containsExactly("b1");
            assertThat(bodies(messages(server, alice, roomId, filter("{\"types\":[\"m.room.message\"],"
                    + "\"not_senders\":[\"@bob:example.org\"]}")).path("chunk"))).containsExactly("a2", "pic", "a1");
            assertThat(bodies(messages(server, alice, roomId, filter("{\"contains_url\":true}")).path("chunk")))
                    .containsExactly("pic");
            assertThat(bodies(messages(server, alice, roomId, filter("{\"types\":[\"m.room.message\"],"
                    + "\"contains_url\":false}")).path("chunk"))).containsExactly("a2", "b1", "a1");

            // Paging with a filter: the limit counts matching events, the end token continues after them.
            JsonNode first = messages(server, alice, roomId, "&limit=2" + filter("{\"types\":[\"m.room.message\"]}"));
            assertThat(bodies(first.path("chunk"))).containsExactly("a2", "pic");
            JsonNode second = messages(server, alice, roomId, "&limit=2&from=" + first.path("end").asText()
                    + filter("{\"types\":[\"m.room.message\"]}"));
            assertThat(bodies(second.path("chunk"))).containsExactly("b1", "a1");

            JsonNode lazy = messages(server, alice, roomId, "&limit=2" + filter("{\"lazy_load_members\":true}"));
            assertThat(memberKeys(lazy.path("state"))).containsExactly("@alice:example.org");
            JsonNode lazyBob = messages(server, alice, roomId, filter("{\"lazy_load_members\":true,"
                    + "\"senders\":[\"@bob:example.org\"]}"));
            assertThat(memberKeys(lazyBob.path("state"))).containsExactly("@bob:example.org");
            assertThat(messages(server, alice, roomId, "").has("state")).isFalse();

            Reply bad = server.get(room(roomId) + "/messages?dir=b" + filter("{\"types\":\"m.room.message\"}"), alice);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.errcode()).isEqualTo("M_INVALID_PARAM");
            Reply notJson = server.get(room(roomId) + "/messages?dir=b&filter=nope", alice);
            assertThat(notJson.status()).isEqualTo(400);
            assertThat(notJson.errcode()).isEqualTo("M_INVALID_PARAM");
        }
    }

    @OnEveryDatabase
    void syncAppliesTheRoomTimelineAndStateFiltersAndLazyLoadsMembers(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String carol = register(server, "carol");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\",\"name\":\"Lobby\"}");
            String other = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            assertThat(membership(server, carol, roomId, "join", null).status()).isEqualTo(200);
            message(server, bob, roomId, "m1", "from bob");
            message(server, alice, roomId, "m2", "from alice");

            String lazy = "{\"room\":{\"timeline\":{\"limit\":1},\"state\":{\"lazy_load_members\":true}}}";
            JsonNode room = server.get(V3 + "/sync?filter=" + path(lazy), alice).json().path("rooms").path("join")
                    .path(roomId);
            assertThat(bodies(room.path("timeline").path("events"))).containsExactly("from alice");
            assertThat(memberKeys(room.path("state").path("events"))).containsExactly("@alice:example.org");
            List<String> types = new ArrayList<>();
            room.path("state").path("events").forEach(e -> types.add(e.path("type").asText()));
            assertThat(types).contains("m.room.create", "m.room.name");

            String lazyBob = "{\"room\":{\"timeline\":{\"limit\":2},\"state\":{\"lazy_load_members\":true}}}";
            JsonNode bobs = server.get(V3 + "/sync?filter=" + path(lazyBob), carol).json().path("rooms").path("join")
                    .path(roomId);
            assertThat(memberKeys(bobs.path("state").path("events")))
                    .containsExactlyInAnyOrder("@alice:example.org", "@bob:example.org", "@carol:example.org");

            // Incremental: the member event of a sender whose join came before `since` is sent along.
            String since = server.get(V3 + "/sync?filter=" + path(lazy), alice).json().path("next_batch").asText();
            message(server, carol, roomId, "m3", "from carol");
            JsonNode incremental = server.get(V3 + "/sync?since=" + since + "&filter=" + path(lazy), alice).json()
                    .path("rooms").path("join").path(roomId);
            assertThat(bodies(incremental.path("timeline").path("events"))).containsExactly("from carol");
            assertThat(memberKeys(incremental.path("state").path("events"))).containsExactly("@carol:example.org");
            JsonNode eager = server.get(V3 + "/sync?since=" + since, alice).json().path("rooms").path("join")
                    .path(roomId);
            assertThat(eager.path("state").path("events").size()).isZero();

            String messagesOnly = "{\"room\":{\"rooms\":[\"" + roomId + "\"],\"timeline\":{\"types\":[\"m.room.message\"],"
                    + "\"not_senders\":[\"@alice:example.org\"]},\"state\":{\"types\":[\"m.room.name\"]}}}";
            JsonNode filtered = server.get(V3 + "/sync?filter=" + path(messagesOnly), alice).json().path("rooms")
                    .path("join");
            assertThat(filtered.has(other)).isFalse();
            assertThat(bodies(filtered.path(roomId).path("timeline").path("events")))
                    .containsExactly("from bob", "from carol");
            List<String> stateTypes = new ArrayList<>();
            filtered.path(roomId).path("state").path("events").forEach(e -> stateTypes.add(e.path("type").asText()));
            assertThat(stateTypes).containsExactly("m.room.name");
            assertThat(filtered.path(roomId).path("timeline").path("limited").asBoolean()).isFalse();

            String notRooms = "{\"room\":{\"not_rooms\":[\"" + roomId + "\"]}}";
            JsonNode without = server.get(V3 + "/sync?filter=" + path(notRooms), alice).json().path("rooms")
                    .path("join");
            assertThat(without.has(roomId)).isFalse();
            assertThat(without.has(other)).isTrue();

            Reply bad = server.get(V3 + "/sync?filter=" + path("{\"room\":{\"timeline\":{\"senders\":\"x\"}}}"), alice);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.errcode()).isEqualTo("M_INVALID_PARAM");
        }
    }
}
