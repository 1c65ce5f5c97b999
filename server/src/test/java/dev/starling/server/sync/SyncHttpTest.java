package dev.starling.server.sync;

import static dev.starling.server.rooms.RoomClient.V3;
import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.membership;
import static dev.starling.server.rooms.RoomClient.message;
import static dev.starling.server.rooms.RoomClient.path;
import static dev.starling.server.rooms.RoomClient.register;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** GET /sync through the real homeserver, on every database. */
class SyncHttpTest {
    static Reply sync(TestHomeServer server, String token, String query) {
        Reply reply = server.get(V3 + "/sync" + query, token);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply;
    }

    static List<String> bodies(JsonNode events) {
        List<String> bodies = new ArrayList<>();
        events.forEach(e -> bodies.add(e.path("content").path("body").asText(e.path("type").asText())));
        return bodies;
    }

    static List<String> types(JsonNode events) {
        List<String> types = new ArrayList<>();
        events.forEach(e -> types.add(e.path("type").asText()));
        return types;
    }

    @OnEveryDatabase
    void initialSyncShowsTheRoomsStateAndTimelineThenIncrementalOnlyNewEvents(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{\"name\":\"Lobby\"}");
            message(server, alice, roomId, "t1", "hello");

            JsonNode initial = sync(server, alice, "").json();
            JsonNode room = initial.path("rooms").path("join").path(roomId);
            assertThat(initial.path("next_batch").asText()).startsWith("s");
            assertThat(bodies(room.path("timeline").path("events"))).endsWith("hello");
            List<String> all = new ArrayList<>(types(room.path("state").path("events")));
            all.addAll(types(room.path("timeline").path("events")));
            assertThat(all).contains("m.room.create", "m.room.member", "m.room.power_levels", "m.room.name");
            assertThat(room.path("timeline").path("events").get(0).has("event_id")).isTrue();
            assertThat(room.path("timeline").path("events").get(0).has("origin_server_ts")).isTrue();
            JsonNode hello = room.path("timeline").path("events").get(room.path("timeline").path("events").size() - 1);
            assertThat(hello.path("unsigned").path("transaction_id").asText()).isEqualTo("t1");
            assertThat(hello.path("sender").asText()).isEqualTo("@alice:example.org");

            message(server, alice, roomId, "t2", "again");
            JsonNode next = sync(server, alice, "?since=" + initial.path("next_batch").asText()).json();
            JsonNode timeline = next.path("rooms").path("join").path(roomId).path("timeline");
            assertThat(bodies(timeline.path("events"))).containsExactly("again");
            assertThat(timeline.path("limited").asBoolean()).isFalse();

            JsonNode quiet = sync(server, alice, "?since=" + next.path("next_batch").asText()).json();
            assertThat(quiet.path("rooms").path("join").path(roomId).isMissingNode()).isTrue();
        }
    }

    @OnEveryDatabase
    void aLongPollWakesForASharedRoomButNotForAStranger(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String carol = register(server, "carol");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            String bobSince = sync(server, bob, "").json().path("next_batch").asText();
            String carolSince = sync(server, carol, "").json().path("next_batch").asText();

            CompletableFuture<Reply> bobPoll = CompletableFuture.supplyAsync(
                    () -> sync(server, bob, "?timeout=20000&since=" + bobSince));
            CompletableFuture<Reply> carolPoll = CompletableFuture.supplyAsync(
                    () -> sync(server, carol, "?timeout=1500&since=" + carolSince));
            Thread.sleep(300);
            assertThat(bobPoll).isNotDone();
            message(server, alice, roomId, "t1", "wake up");

            JsonNode woken = bobPoll.get(10, TimeUnit.SECONDS).json();
            assertThat(bodies(woken.path("rooms").path("join").path(roomId).path("timeline").path("events")))
                    .containsExactly("wake up");
            JsonNode stranger = carolPoll.get(10, TimeUnit.SECONDS).json();
            assertThat(stranger.path("rooms").isMissingNode()).isTrue();
        }
    }

    @OnEveryDatabase
    void aLimitedTimelineHasAPrevBatchThatMessagesPagesBackToTheCreation(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{}");
            for (int i = 0; i < 12; i++) {
                message(server, alice, roomId, "t" + i, "m" + i);
            }
            JsonNode timeline = sync(server, alice, "?filter=" + path("{\"room\":{\"timeline\":{\"limit\":3}}}")).json()
                    .path("rooms").path("join").path(roomId).path("timeline");
            assertThat(bodies(timeline.path("events"))).containsExactly("m9", "m10", "m11");
            assertThat(timeline.path("limited").asBoolean()).isTrue();

            List<String> older = new ArrayList<>();
            String from = timeline.path("prev_batch").asText();
            JsonNode page;
            int pages = 0;
            do {
                page = server.get(dev.starling.server.rooms.RoomClient.room(roomId) + "/messages?dir=b&limit=4&from="
                        + from, alice).json();
                older.addAll(bodies(page.path("chunk")));
                from = page.path("end").asText();
                pages++;
            } while (page.has("end") && pages < 20);
            assertThat(older).startsWith("m8", "m7", "m6").endsWith("m.room.create");
            assertThat(older).doesNotContain("m9");
            assertThat(page.has("end")).isFalse();
        }
    }

    @OnEveryDatabase
    void invitesAndLeavesAppearInTheirSections(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"name\":\"Secret\"}");
            String since = sync(server, bob, "").json().path("next_batch").asText();
            assertThat(membership(server, alice, roomId, "invite", "@bob:example.org").status()).isEqualTo(200);

            JsonNode invited = sync(server, bob, "?since=" + since).json();
            JsonNode inviteState = invited.path("rooms").path("invite").path(roomId).path("invite_state").path("events");
            assertThat(types(inviteState)).contains("m.room.create", "m.room.name", "m.room.member");
            assertThat(invited.path("rooms").path("join").path(roomId).isMissingNode()).isTrue();

            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            String joined = sync(server, bob, "?since=" + invited.path("next_batch").asText()).json()
                    .path("next_batch").asText();
            assertThat(membership(server, bob, roomId, "leave", null).status()).isEqualTo(200);
            JsonNode left = sync(server, bob, "?since=" + joined).json();
            JsonNode leftTimeline = left.path("rooms").path("leave").path(roomId).path("timeline").path("events");
            assertThat(types(leftTimeline)).endsWith("m.room.member");
            assertThat(left.path("rooms").path("join").path(roomId).isMissingNode()).isTrue();
        }
    }

    @OnEveryDatabase
    void malformedParametersAreInvalidParam(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            for (String query : List.of("since=garbage", "since=s", "since=s12x", "since=12", "timeout=-1",
                    "timeout=soon", "filter=" + path("{\"room\":{\"timeline\":{\"limit\":-2}}}"))) {
                Reply reply = server.get(V3 + "/sync?" + query, alice);
                assertThat(reply.status()).as(query).isEqualTo(400);
                assertThat(reply.errcode()).as(query).isEqualTo("M_INVALID_PARAM");
            }
            // An uploaded filter's ID works; an unknown one is refused (filters.FiltersApi).
            assertThat(server.get(V3 + "/sync?filter=0", alice).errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(server.post(V3 + "/user/" + path("@alice:example.org") + "/filter", "{}", alice).json()
                    .path("filter_id").asText()).isEqualTo("0");
            assertThat(server.get(V3 + "/sync?filter=0", alice).status()).isEqualTo(200);
        }
    }

    @OnEveryDatabase
    void aUserSeesNothingOfRoomsTheyWereNeverIn(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String eve = register(server, "eve");
            createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(sync(server, eve, "").json().path("rooms").isMissingNode()).isTrue();
        }
    }
}
