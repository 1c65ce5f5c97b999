package dev.starling.server.sync;

import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.message;
import static dev.starling.server.rooms.RoomClient.register;
import static dev.starling.server.rooms.RoomClient.room;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/** GET /rooms/{roomId}/messages through the real homeserver, on every database. */
class MessagesHttpTest {
    @OnEveryDatabase
    void pagesBackwardsFromTheEndAndForwardsFromAToken(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{}");
            message(server, alice, roomId, "t1", "one");
            message(server, alice, roomId, "t2", "two");

            Reply last = server.get(room(roomId) + "/messages?dir=b&limit=1", alice);
            assertThat(last.status()).isEqualTo(200);
            assertThat(SyncHttpTest.bodies(last.json().path("chunk"))).containsExactly("two");
            String end = last.json().path("end").asText();
            assertThat(end).startsWith("s");

            Reply before = server.get(room(roomId) + "/messages?dir=b&limit=1&from=" + end, alice);
            assertThat(SyncHttpTest.bodies(before.json().path("chunk"))).containsExactly("one");
            Reply forwards = server.get(room(roomId) + "/messages?dir=f&limit=5&from="
                    + before.json().path("end").asText(), alice);
            assertThat(SyncHttpTest.bodies(forwards.json().path("chunk"))).containsExactly("one", "two");
            assertThat(forwards.json().has("end")).isFalse();
        }
    }

    @OnEveryDatabase
    void badParametersAndStrangersAreRefused(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String eve = register(server, "eve");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");

            Reply noDir = server.get(room(roomId) + "/messages", alice);
            assertThat(noDir.status()).isEqualTo(400);
            assertThat(noDir.errcode()).isEqualTo("M_MISSING_PARAM");
            Reply badDir = server.get(room(roomId) + "/messages?dir=x", alice);
            assertThat(badDir.status()).isEqualTo(400);
            assertThat(badDir.errcode()).isEqualTo("M_INVALID_PARAM");
            Reply badFrom = server.get(room(roomId) + "/messages?dir=b&from=nope", alice);
            assertThat(badFrom.status()).isEqualTo(400);
            assertThat(badFrom.errcode()).isEqualTo("M_INVALID_PARAM");
            Reply stranger = server.get(room(roomId) + "/messages?dir=b", eve);
            assertThat(stranger.status()).isEqualTo(403);
            assertThat(stranger.errcode()).isEqualTo("M_FORBIDDEN");
        }
    }

    /**
     * One page and one sync timeline spanning several state snapshots: history visibility is judged per event
     * by the snapshot at it, for the user reading (SECURITY.md item 23), although each snapshot is read once.
     */
    @OnEveryDatabase
    void visibilityIsJudgedPerSnapshotWithinOnePage(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":"
                    + "\"m.room.history_visibility\",\"content\":{\"history_visibility\":\"joined\"}}]}");
            message(server, alice, roomId, "h1", "hidden 1");
            message(server, alice, roomId, "h2", "hidden 2");
            assertThat(server.post(room(roomId) + "/join", "{}", bob).status()).isEqualTo(200);
            message(server, alice, roomId, "s1", "seen 1");
            assertThat(server.put(room(roomId) + "/state/m.room.history_visibility/",
                    "{\"history_visibility\":\"shared\"}", alice).status()).isEqualTo(200);
            message(server, alice, roomId, "s2", "seen 2");

            List<String> bobsPage = SyncHttpTest.bodies(
                    server.get(room(roomId) + "/messages?dir=b&limit=50", bob).json().path("chunk"));
            assertThat(bobsPage).contains("seen 1", "seen 2").doesNotContain("hidden 1", "hidden 2");
            List<String> alicesPage = SyncHttpTest.bodies(
                    server.get(room(roomId) + "/messages?dir=b&limit=50", alice).json().path("chunk"));
            assertThat(alicesPage).contains("hidden 1", "hidden 2", "seen 1", "seen 2");

            String filter = java.net.URLEncoder.encode("{\"room\":{\"timeline\":{\"limit\":50}}}",
                    java.nio.charset.StandardCharsets.UTF_8);
            List<String> bobsTimeline = SyncHttpTest.bodies(server.get("/_matrix/client/v3/sync?filter=" + filter, bob)
                    .json().path("rooms").path("join").path(roomId).path("timeline").path("events"));
            assertThat(bobsTimeline).contains("seen 1", "seen 2").doesNotContain("hidden 1", "hidden 2");
        }
    }
}
