package dev.starling.server.aliases;

import static dev.starling.server.rooms.RoomClient.V3;
import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.path;
import static dev.starling.server.rooms.RoomClient.register;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The published room directory: /directory/list/room/{roomId} and /publicRooms, on every database. */
class RoomDirectoryHttpTest {
    private static String list(String roomId) {
        return V3 + "/directory/list/room/" + path(roomId);
    }

    private static List<String> roomIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("chunk").forEach(r -> ids.add(r.path("room_id").asText()));
        return ids;
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @OnEveryDatabase
    void createRoomWithPublicVisibilityPublishesTheRoomWithItsSummary(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, """
                    {"visibility":"public","name":"Lobby","topic":"Say hi","room_alias_name":"lobby",
                     "creation_content":{"type":"m.space"}}""");
            String hidden = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(server.put("/_matrix/client/v3/rooms/" + path(roomId) + "/state/m.room.avatar/",
                    "{\"url\":\"mxc://example.org/abc\"}", alice).status()).isEqualTo(200);

            assertThat(server.get(list(roomId), null).json().path("visibility").asText()).isEqualTo("public");
            assertThat(server.get(list(hidden), null).json().path("visibility").asText()).isEqualTo("private");
            Reply unknown = server.get(list("!nowhere:example.org"), null);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.errcode()).isEqualTo("M_NOT_FOUND");

            Reply rooms = server.get(V3 + "/publicRooms", null);
            assertThat(rooms.status()).as("no token needed").isEqualTo(200);
            assertThat(roomIds(rooms.json())).containsExactly(roomId);
            JsonNode entry = rooms.json().path("chunk").get(0);
            assertThat(entry.path("name").asText()).isEqualTo("Lobby");
            assertThat(entry.path("topic").asText()).isEqualTo("Say hi");
            assertThat(entry.path("canonical_alias").asText()).isEqualTo("#lobby:example.org");
            assertThat(entry.path("num_joined_members").asLong()).isEqualTo(1);
            assertThat(entry.path("world_readable").asBoolean()).isFalse();
            assertThat(entry.path("guest_can_join").asBoolean()).isFalse();
            assertThat(entry.path("join_rule").asText()).isEqualTo("public");
            assertThat(entry.path("avatar_url").asText()).isEqualTo("mxc://example.org/abc");
            assertThat(entry.path("room_type").asText()).isEqualTo("m.space");
            assertThat(rooms.json().path("total_room_count_estimate").asLong()).isEqualTo(1);
            assertThat(rooms.json().has("next_batch")).isFalse();
            assertThat(rooms.json().has("prev_batch")).isFalse();
        }
    }

    @OnEveryDatabase
    void onlyARoomAdminChangesTheVisibility(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(server.post(V3 + "/join/" + path(roomId), "{}", bob).status()).isEqualTo(200);

            Reply refused = server.put(list(roomId), "{\"visibility\":\"public\"}", bob);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.errcode()).isEqualTo("M_FORBIDDEN");
            assertThat(server.put(list(roomId), "{\"visibility\":\"secret\"}", alice).errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(server.put(list(roomId), "{\"visibility\":1}", alice).errcode()).isEqualTo("M_BAD_JSON");
            assertThat(server.put(list("!nowhere:example.org"), "{}", alice).status()).isEqualTo(404);
            assertThat(server.put(list(roomId), "{}", null).status()).isEqualTo(401);
            assertThat(server.queryLong("SELECT COUNT(*) FROM published_rooms")).isZero();

            assertThat(server.put(list(roomId), "{}", alice).status()).as("public by default").isEqualTo(200);
            assertThat(server.get(list(roomId), bob).json().path("visibility").asText()).isEqualTo("public");
            assertThat(roomIds(server.get(V3 + "/publicRooms", bob).json())).containsExactly(roomId);
            assertThat(server.put(list(roomId), "{\"visibility\":\"private\"}", alice).status()).isEqualTo(200);
            assertThat(server.get(list(roomId), bob).json().path("visibility").asText()).isEqualTo("private");
            assertThat(roomIds(server.get(V3 + "/publicRooms", bob).json())).isEmpty();
        }
    }

    @OnEveryDatabase
    void publicRoomsPagesForwardAndBackByMembersThenRoomId(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                created.add(createRoom(server, alice, "{\"visibility\":\"public\",\"name\":\"Room " + i + "\"}"));
            }
            String big = created.get(3);
            assertThat(server.post(V3 + "/join/" + path(big), "{}", bob).status()).isEqualTo(200);
            // An invite-only published room is not listed (nobody could join it), as in Synapse.
            createRoom(server, alice, "{\"visibility\":\"public\",\"preset\":\"private_chat\"}");
            List<String> expected = new ArrayList<>(created);
            expected.remove(big);
            expected.sort(null);
            expected.add(0, big);

            JsonNode first = server.get(V3 + "/publicRooms?limit=2", null).json();
            assertThat(roomIds(first)).containsExactlyElementsOf(expected.subList(0, 2));
            assertThat(first.path("num_joined_members").isMissingNode()).isTrue();
            assertThat(first.path("chunk").get(0).path("num_joined_members").asLong()).isEqualTo(2);
            assertThat(first.has("prev_batch")).isFalse();
            assertThat(first.path("total_room_count_estimate").asLong()).isEqualTo(5);
            JsonNode second = server.get(V3 + "/publicRooms?limit=2&since=" + query(first.path("next_batch").asText()),
                    null).json();
            assertThat(roomIds(second)).containsExactlyElementsOf(expected.subList(2, 4));
            Reply third = server.post(V3 + "/publicRooms", "{\"limit\":2,\"since\":\""
                    + second.path("next_batch").asText() + "\"}", alice);
            assertThat(roomIds(third.json())).containsExactlyElementsOf(expected.subList(4, 5));
            assertThat(third.json().has("next_batch")).isFalse();
            JsonNode back = server.get(V3 + "/publicRooms?limit=2&since=" + query(third.json().path("prev_batch").asText()),
                    null).json();
            assertThat(roomIds(back)).containsExactlyElementsOf(expected.subList(2, 4));
            JsonNode start = server.get(V3 + "/publicRooms?limit=2&since=" + query(back.path("prev_batch").asText()),
                    null).json();
            assertThat(roomIds(start)).containsExactlyElementsOf(expected.subList(0, 2));
            assertThat(start.has("prev_batch")).isFalse();
        }
    }

    @OnEveryDatabase
    void postPublicRoomsFiltersBySearchTermAndRoomType(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String cats = createRoom(server, alice, "{\"visibility\":\"public\",\"name\":\"Cat pictures\"}");
            String dogs = createRoom(server, alice, "{\"visibility\":\"public\",\"topic\":\"all about DOGS\"}");
            String space = createRoom(server, alice, """
                    {"visibility":"public","name":"Pets","creation_content":{"type":"m.space"}}""");

            assertThat(roomIds(server.post(V3 + "/publicRooms", "{\"filter\":{\"generic_search_term\":\"cat\"}}", alice)
                    .json())).containsExactly(cats);
            assertThat(roomIds(server.post(V3 + "/publicRooms", "{\"filter\":{\"generic_search_term\":\"dogs\"}}", alice)
                    .json())).containsExactly(dogs);
            assertThat(roomIds(server.post(V3 + "/publicRooms", "{\"filter\":{\"room_types\":[\"m.space\"]}}", alice)
                    .json())).containsExactly(space);
            assertThat(roomIds(server.post(V3 + "/publicRooms", "{\"filter\":{\"room_types\":[null]}}", alice)
                    .json())).containsExactlyInAnyOrder(cats, dogs);
            assertThat(roomIds(server.post(V3 + "/publicRooms", "{\"filter\":{}}", alice).json())).hasSize(3);
            assertThat(server.post(V3 + "/publicRooms", "{}", null).status()).as("POST needs a token").isEqualTo(401);
        }
    }

    @OnEveryDatabase
    void badPublicRoomsRequestsAreRefused(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            createRoom(server, alice, "{\"visibility\":\"public\"}");

            assertThat(server.get(V3 + "/publicRooms?limit=x", alice).errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(server.get(V3 + "/publicRooms?limit=0", alice).errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(server.get(V3 + "/publicRooms?limit=-3", alice).errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(server.get(V3 + "/publicRooms?since=garbage", alice).errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(server.get(V3 + "/publicRooms?since=f12:nope", alice).errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(server.post(V3 + "/publicRooms", "{\"limit\":\"2\"}", alice).errcode()).isEqualTo("M_BAD_JSON");
            assertThat(server.post(V3 + "/publicRooms", "{\"filter\":[]}", alice).errcode()).isEqualTo("M_BAD_JSON");
            assertThat(server.post(V3 + "/publicRooms", "{\"filter\":{\"room_types\":[1]}}", alice).errcode())
                    .isEqualTo("M_BAD_JSON");
            assertThat(server.post(V3 + "/publicRooms", "{\"filter\":{\"generic_search_term\":3}}", alice).errcode())
                    .isEqualTo("M_BAD_JSON");
            assertThat(server.get(V3 + "/publicRooms?server=" + query("bad name!"), alice).errcode()).isEqualTo("M_INVALID_PARAM");

            assertThat(server.get(V3 + "/publicRooms?server=example.org", alice).json().path("chunk")).hasSize(1);
            Reply remote = server.get(V3 + "/publicRooms?server=other.org", alice);
            assertThat(remote.status()).as("another server, no federation yet").isEqualTo(502);
            assertThat(server.post(V3 + "/publicRooms?server=other.org", "{}", alice).status()).isEqualTo(502);
        }
    }
}
