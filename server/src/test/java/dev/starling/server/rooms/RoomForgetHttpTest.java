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

/** POST /rooms/{roomId}/forget and GET /rooms/{roomId}/members?at=, on every database. */
class RoomForgetHttpTest {
    private static final String FORGOTTEN = "SELECT COUNT(*) FROM forgotten_rooms";
    private static final String INCLUDE_LEAVE = path("{\"room\":{\"include_leave\":true}}");

    @OnEveryDatabase
    void aLeftRoomCanBeForgottenAndThenVanishesFromSyncAndMessages(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            message(server, alice, roomId, "m1", "hello");

            Reply stillJoined = server.post(room(roomId) + "/forget", "{}", bob);
            assertThat(stillJoined.status()).isEqualTo(400);
            assertThat(stillJoined.errcode()).isEqualTo("M_UNKNOWN");
            assertThat(server.queryLong(FORGOTTEN)).isZero();

            assertThat(membership(server, bob, roomId, "leave", null).status()).isEqualTo(200);
            JsonNode left = server.get(V3 + "/sync?filter=" + INCLUDE_LEAVE, bob).json();
            assertThat(left.path("rooms").path("leave").has(roomId)).isTrue();
            JsonNode withoutIncludeLeave = server.get(V3 + "/sync", bob).json();
            assertThat(withoutIncludeLeave.path("rooms").path("leave").has(roomId)).isFalse();
            assertThat(server.get(room(roomId) + "/messages?dir=b", bob).status()).isEqualTo(200);

            assertThat(server.post(room(roomId) + "/forget", "{}", bob).status()).isEqualTo(200);
            assertThat(server.post(room(roomId) + "/forget", "{}", bob).status()).isEqualTo(200);
            assertThat(server.queryLong(FORGOTTEN)).isEqualTo(1);
            JsonNode forgotten = server.get(V3 + "/sync?filter=" + INCLUDE_LEAVE, bob).json();
            assertThat(forgotten.path("rooms").path("leave").has(roomId)).isFalse();
            Reply messages = server.get(room(roomId) + "/messages?dir=b", bob);
            assertThat(messages.status()).isEqualTo(403);

            // Joining again ends the forgetting.
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            assertThat(server.queryLong(FORGOTTEN)).isZero();
            assertThat(server.get(room(roomId) + "/messages?dir=b", bob).status()).isEqualTo(200);
        }
    }

    @OnEveryDatabase
    void forgettingARoomOneWasNeverInStoresNothing(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String eve = register(server, "eve");
            String roomId = createRoom(server, alice, "{}");
            assertThat(server.post(room(roomId) + "/forget", "{}", eve).status()).isEqualTo(200);
            assertThat(server.post(room("!unknown:example.org") + "/forget", "{}", eve).status()).isEqualTo(200);
            assertThat(server.queryLong(FORGOTTEN)).isZero();
            Reply badRoom = server.post(V3 + "/rooms/notaroom/forget", "{}", eve);
            assertThat(badRoom.status()).isEqualTo(400);
        }
    }

    @OnEveryDatabase
    void membersAtATokenAreTheMembersAtThatPosition(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String carol = register(server, "carol");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            String token = server.get(V3 + "/sync", alice).json().path("next_batch").asText();
            assertThat(membership(server, carol, roomId, "join", null).status()).isEqualTo(200);
            assertThat(membership(server, bob, roomId, "leave", null).status()).isEqualTo(200);

            assertThat(members(server, alice, roomId, "?at=" + token)).containsExactly(
                    "@alice:example.org=join", "@bob:example.org=join");
            assertThat(members(server, alice, roomId, "")).containsExactly(
                    "@alice:example.org=join", "@bob:example.org=leave", "@carol:example.org=join");
            assertThat(members(server, alice, roomId, "?at=" + token + "&not_membership=leave")).containsExactly(
                    "@alice:example.org=join", "@bob:example.org=join");
            // A former member sees the members no later than their own leave.
            assertThat(members(server, bob, roomId, "")).containsExactly(
                    "@alice:example.org=join", "@bob:example.org=leave", "@carol:example.org=join");
            Reply badToken = server.get(room(roomId) + "/members?at=x", alice);
            assertThat(badToken.status()).isEqualTo(400);
            assertThat(badToken.errcode()).isEqualTo("M_INVALID_PARAM");
        }
    }

    static List<String> members(TestHomeServer server, String token, String roomId, String query) {
        Reply reply = server.get(room(roomId) + "/members" + query, token);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        reply.json().path("chunk").forEach(e -> out.add(e.path("state_key").asText() + "="
                + e.path("content").path("membership").asText()));
        return out;
    }
}
