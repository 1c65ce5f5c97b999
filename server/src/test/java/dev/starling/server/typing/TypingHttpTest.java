package dev.starling.server.typing;

import static dev.starling.server.SideChannels.ofType;
import static dev.starling.server.SideChannels.roomEvents;
import static dev.starling.server.SideChannels.since;
import static dev.starling.server.SideChannels.sync;
import static dev.starling.server.rooms.RoomClient.path;
import static dev.starling.server.rooms.RoomClient.room;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.SideChannels;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.rooms.RoomClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** PUT /rooms/{roomId}/typing/{userId} and m.typing in /sync, through the real homeserver, on every database. */
class TypingHttpTest {
    static final String ALICE = "@alice:example.org";

    static Reply typing(TestHomeServer server, String token, String roomId, String userId, String body) {
        return server.put(room(roomId) + "/typing/" + path(userId), body, token);
    }

    /** The user IDs of the last m.typing of the room in a sync, or null when there is none. */
    static List<String> typers(JsonNode sync, String roomId) {
        List<JsonNode> notices = ofType(roomEvents(sync, roomId, "ephemeral"), "m.typing");
        if (notices.isEmpty()) {
            return null;
        }
        List<String> users = new ArrayList<>();
        notices.get(notices.size() - 1).path("content").path("user_ids").forEach(u -> users.add(u.asText()));
        return users;
    }

    @OnEveryDatabase
    void aTypingUserAppearsInTheOtherMembersSyncsUntilTheyStop(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            JsonNode before = sync(server, p.bob(), "");
            assertThat(typers(before, p.roomId())).isNull();

            assertThat(typing(server, p.alice(), p.roomId(), ALICE, "{\"typing\":true,\"timeout\":30000}").status())
                    .isEqualTo(200);
            JsonNode started = sync(server, p.bob(), since(before));
            assertThat(typers(started, p.roomId())).containsExactly(ALICE);
            assertThat(typers(sync(server, p.bob(), ""), p.roomId())).as("an initial sync shows who types")
                    .containsExactly(ALICE);
            assertThat(typers(sync(server, p.bob(), since(started)), p.roomId())).as("no change, no m.typing")
                    .isNull();

            assertThat(typing(server, p.alice(), p.roomId(), ALICE, "{\"typing\":false}").status()).isEqualTo(200);
            JsonNode stopped = sync(server, p.bob(), since(started));
            assertThat(typers(stopped, p.roomId())).isEmpty();
            assertThat(typers(sync(server, p.bob(), ""), p.roomId())).as("nobody types: nothing on an initial sync")
                    .isNull();
        }
    }

    @OnEveryDatabase
    void anExpiringTypingNoticeWakesALongPoll(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            assertThat(typing(server, p.alice(), p.roomId(), ALICE, "{\"typing\":true,\"timeout\":300}").status())
                    .isEqualTo(200);
            JsonNode typingNow = sync(server, p.bob(), "");
            assertThat(typers(typingNow, p.roomId())).containsExactly(ALICE);

            long start = System.nanoTime();
            JsonNode expired = sync(server, p.bob(), since(typingNow) + "&timeout=20000");
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(typers(expired, p.roomId())).isEmpty();
            assertThat(waitedMs).as("woken by the expiry timer, not the poll's timeout").isLessThan(10_000);
        }
    }

    @OnEveryDatabase
    void startingToTypeWakesTheOtherMembersLongPoll(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            String bobSince = since(sync(server, p.bob(), ""));
            CompletableFuture<JsonNode> poll = CompletableFuture.supplyAsync(
                    () -> sync(server, p.bob(), bobSince + "&timeout=20000"));
            Thread.sleep(300);
            assertThat(poll).isNotDone();
            typing(server, p.alice(), p.roomId(), ALICE, "{\"typing\":true}");
            assertThat(typers(poll.get(10, TimeUnit.SECONDS), p.roomId())).containsExactly(ALICE);
        }
    }

    @OnEveryDatabase
    void aTokenFromBeforeARestartStillSeesNewTyping(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            for (int i = 0; i < 5; i++) { // move the ephemeral position well ahead
                typing(server, p.alice(), p.roomId(), ALICE, "{\"typing\":" + (i % 2 == 0) + "}");
            }
            JsonNode old = sync(server, p.bob(), "");
            assertThat(old.path("next_batch").asText()).doesNotEndWith("_0");
            server.restart();
            // The in-memory position restarts at 0: the old token is ahead of it and reads as "send current".
            typing(server, p.alice(), p.roomId(), ALICE, "{\"typing\":true}");
            assertThat(typers(sync(server, p.bob(), since(old)), p.roomId())).containsExactly(ALICE);
        }
    }

    @OnEveryDatabase
    void aFilterWithoutMTypingHidesIt(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            typing(server, p.alice(), p.roomId(), ALICE, "{\"typing\":true}");
            JsonNode filtered = sync(server, p.bob(),
                    "?filter=" + path("{\"room\":{\"ephemeral\":{\"not_types\":[\"m.typing\"]}}}"));
            assertThat(typers(filtered, p.roomId())).isNull();
        }
    }

    @OnEveryDatabase
    void typingForAnotherUserOrInAStrangeRoomOrWithABadBodyIsRefused(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            String carol = RoomClient.register(server, "carol");
            Reply other = typing(server, p.alice(), p.roomId(), "@bob:example.org", "{\"typing\":true}");
            assertThat(other.status()).isEqualTo(403);
            assertThat(other.errcode()).isEqualTo("M_FORBIDDEN");
            Reply stranger = typing(server, carol, p.roomId(), "@carol:example.org", "{\"typing\":true}");
            assertThat(stranger.status()).isEqualTo(403);
            assertThat(stranger.errcode()).isEqualTo("M_FORBIDDEN");
            Reply missing = typing(server, p.alice(), p.roomId(), ALICE, "{\"timeout\":1000}");
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.errcode()).isEqualTo("M_MISSING_PARAM");
            Reply notBoolean = typing(server, p.alice(), p.roomId(), ALICE, "{\"typing\":\"yes\"}");
            assertThat(notBoolean.errcode()).isEqualTo("M_BAD_JSON");
            Reply negative = typing(server, p.alice(), p.roomId(), ALICE, "{\"typing\":true,\"timeout\":-5}");
            assertThat(negative.errcode()).isEqualTo("M_BAD_JSON");
            Reply badRoom = typing(server, p.alice(), "not-a-room", ALICE, "{\"typing\":true}");
            assertThat(badRoom.status()).isEqualTo(400);
            assertThat(badRoom.errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(typers(sync(server, p.bob(), ""), p.roomId())).as("nothing was set").isNull();
        }
    }
}
