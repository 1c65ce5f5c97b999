package dev.starling.server.presence;

import static dev.starling.server.SideChannels.since;
import static dev.starling.server.SideChannels.sync;
import static dev.starling.server.rooms.RoomClient.V3;
import static dev.starling.server.rooms.RoomClient.path;
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

/** PUT/GET /presence/{userId}/status and the presence section of /sync, through the real homeserver. */
class PresenceHttpTest {
    static final String ALICE = "@alice:example.org";
    static final String BOB = "@bob:example.org";
    static final String CAROL = "@carol:example.org";
    /** A sync that does not bring the syncing user online. */
    static final String QUIET = "set_presence=offline";

    static Reply put(TestHomeServer server, String token, String userId, String body) {
        return server.put(V3 + "/presence/" + path(userId) + "/status", body, token);
    }

    static Reply get(TestHomeServer server, String token, String userId) {
        return server.get(V3 + "/presence/" + path(userId) + "/status", token);
    }

    /** The m.presence events of a sync by sender, in order. */
    static List<JsonNode> presence(JsonNode sync) {
        List<JsonNode> events = new ArrayList<>();
        sync.path("presence").path("events").forEach(events::add);
        events.forEach(e -> assertThat(e.path("type").asText()).isEqualTo("m.presence"));
        return events;
    }

    static List<String> senders(JsonNode sync) {
        return presence(sync).stream().map(e -> e.path("sender").asText()).toList();
    }

    static JsonNode of(JsonNode sync, String user) {
        return presence(sync).stream().filter(e -> e.path("sender").asText().equals(user)).reduce((a, b) -> b)
                .map(e -> e.path("content")).orElse(null);
    }

    @OnEveryDatabase
    void ownPresenceIsSetAndReadByRoomPeersOnly(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            String carol = RoomClient.register(server, "carol");
            assertThat(put(server, p.alice(), ALICE, "{\"presence\":\"online\",\"status_msg\":\"in a meeting\"}")
                    .status()).isEqualTo(200);
            for (String reader : List.of(p.alice(), p.bob())) {
                Reply read = get(server, reader, ALICE);
                assertThat(read.status()).isEqualTo(200);
                assertThat(read.json().path("presence").asText()).isEqualTo("online");
                assertThat(read.json().path("status_msg").asText()).isEqualTo("in a meeting");
                assertThat(read.json().path("currently_active").asBoolean()).isTrue();
                assertThat(read.json().path("last_active_ago").asLong()).isBetween(0L, 60_000L);
            }
            Reply stranger = get(server, carol, ALICE);
            assertThat(stranger.status()).isEqualTo(403);
            assertThat(stranger.errcode()).isEqualTo("M_FORBIDDEN");
            Reply unknown = get(server, p.alice(), "@nobody:example.org");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.errcode()).isEqualTo("M_NOT_FOUND");
            Reply remote = get(server, p.alice(), "@rita:remote.example");
            assertThat(remote.status()).isEqualTo(403);
            Reply malformed = get(server, p.alice(), "alice");
            assertThat(malformed.status()).isEqualTo(400);
            assertThat(malformed.errcode()).isEqualTo("M_INVALID_PARAM");

            assertThat(put(server, p.alice(), ALICE, "{\"presence\":\"unavailable\"}").status()).isEqualTo(200);
            Reply idle = get(server, p.bob(), ALICE);
            assertThat(idle.json().path("presence").asText()).isEqualTo("unavailable");
            assertThat(idle.json().has("status_msg")).as("a PUT without status_msg clears it").isFalse();
            assertThat(idle.json().has("currently_active")).isFalse();
            assertThat(get(server, carol, CAROL).json().path("presence").asText()).as("never seen: offline")
                    .isEqualTo("offline");
        }
    }

    @OnEveryDatabase
    void sendingAMessageBringsAnIdleUserBackOnline(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            assertThat(put(server, p.alice(), ALICE, "{\"presence\":\"unavailable\"}").status()).isEqualTo(200);
            JsonNode bobStart = sync(server, p.bob(), "?" + QUIET);
            assertThat(of(bobStart, ALICE).path("presence").asText()).isEqualTo("unavailable");
            SideChannels.message(server, p.alice(), p.roomId(), "t1", "back");
            Reply back = get(server, p.bob(), ALICE);
            assertThat(back.json().path("presence").asText()).isEqualTo("online");
            assertThat(back.json().path("currently_active").asBoolean()).isTrue();
            assertThat(of(sync(server, p.bob(), since(bobStart) + "&" + QUIET), ALICE).path("presence").asText())
                    .isEqualTo("online");
        }
    }

    @OnEveryDatabase
    void badRequestsAreRefusedAndStoreNothing(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            Reply other = put(server, p.bob(), ALICE, "{\"presence\":\"online\"}");
            assertThat(other.status()).isEqualTo(403);
            assertThat(other.errcode()).isEqualTo("M_FORBIDDEN");
            Reply missing = put(server, p.alice(), ALICE, "{\"status_msg\":\"x\"}");
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.errcode()).isEqualTo("M_MISSING_PARAM");
            Reply notString = put(server, p.alice(), ALICE, "{\"presence\":1}");
            assertThat(notString.status()).isEqualTo(400);
            assertThat(notString.errcode()).isEqualTo("M_BAD_JSON");
            Reply unknownState = put(server, p.alice(), ALICE, "{\"presence\":\"away\"}");
            assertThat(unknownState.status()).isEqualTo(400);
            assertThat(unknownState.errcode()).isEqualTo("M_INVALID_PARAM");
            Reply msgNotString = put(server, p.alice(), ALICE, "{\"presence\":\"online\",\"status_msg\":[]}");
            assertThat(msgNotString.status()).isEqualTo(400);
            assertThat(msgNotString.errcode()).isEqualTo("M_BAD_JSON");
            String tooLong = "é".repeat(PresenceApi.MAX_STATUS_MSG_BYTES / 2 + 1);
            Reply longMsg = put(server, p.alice(), ALICE, "{\"presence\":\"online\",\"status_msg\":\"" + tooLong + "\"}");
            assertThat(longMsg.status()).isEqualTo(400);
            assertThat(longMsg.errcode()).isEqualTo("M_INVALID_PARAM");
            Reply notJson = put(server, p.alice(), ALICE, "online");
            assertThat(notJson.status()).isEqualTo(400);
            Reply badSetPresence = server.get(V3 + "/sync?set_presence=away", p.alice());
            assertThat(badSetPresence.status()).isEqualTo(400);
            assertThat(badSetPresence.errcode()).isEqualTo("M_INVALID_PARAM");

            assertThat(get(server, p.bob(), ALICE).json().path("presence").asText()).as("nothing was set")
                    .isEqualTo("offline");
            assertThat(presence(sync(server, p.bob(), "?" + QUIET))).isEmpty();
        }
    }

    @OnEveryDatabase
    void syncCarriesChangesOfRoomPeersOnly(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            String carol = RoomClient.register(server, "carol");
            assertThat(put(server, p.alice(), ALICE, "{\"presence\":\"online\",\"status_msg\":\"hello\"}").status())
                    .isEqualTo(200);
            JsonNode bobFirst = sync(server, p.bob(), "?" + QUIET);
            assertThat(senders(bobFirst)).containsExactly(ALICE);
            assertThat(of(bobFirst, ALICE).path("presence").asText()).isEqualTo("online");
            assertThat(of(bobFirst, ALICE).path("status_msg").asText()).isEqualTo("hello");
            assertThat(senders(sync(server, carol, "?" + QUIET))).as("carol shares no room with alice").isEmpty();
            JsonNode bobAgain = sync(server, p.bob(), since(bobFirst) + "&" + QUIET);
            assertThat(presence(bobAgain)).as("nothing changed").isEmpty();

            assertThat(put(server, p.alice(), ALICE, "{\"presence\":\"unavailable\"}").status()).isEqualTo(200);
            JsonNode changed = sync(server, p.bob(), since(bobAgain) + "&" + QUIET);
            assertThat(senders(changed)).containsExactly(ALICE);
            assertThat(of(changed, ALICE).path("presence").asText()).isEqualTo("unavailable");
            assertThat(senders(sync(server, carol, "?" + QUIET))).isEmpty();
            assertThat(senders(sync(server, p.alice(), "?" + QUIET))).as("one sees oneself").containsExactly(ALICE);
        }
    }

    @OnEveryDatabase
    void aNewRoomPeersPresenceIsShownWithTheJoinNotAtTheirNextChange(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = RoomClient.register(server, "alice");
            String carol = RoomClient.register(server, "carol");
            String roomId = RoomClient.createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(put(server, alice, ALICE, "{\"presence\":\"online\",\"status_msg\":\"hi\"}").status())
                    .isEqualTo(200);
            JsonNode carolStart = sync(server, carol, ""); // carol comes online, sharing no room with alice
            assertThat(senders(carolStart)).containsExactly(CAROL);
            JsonNode aliceStart = sync(server, alice, "?" + QUIET);
            assertThat(senders(aliceStart)).containsExactly(ALICE);

            assertThat(RoomClient.membership(server, carol, roomId, "join", null).status()).isEqualTo(200);
            JsonNode carolJoined = sync(server, carol, since(carolStart) + "&" + QUIET);
            assertThat(carolJoined.path("rooms").path("join").has(roomId)).isTrue();
            assertThat(of(carolJoined, ALICE).path("status_msg").asText()).isEqualTo("hi");
            JsonNode aliceSees = sync(server, alice, since(aliceStart) + "&" + QUIET);
            assertThat(senders(aliceSees)).containsExactly(CAROL);
        }
    }

    @OnEveryDatabase
    void setPresenceOfSyncDecidesWhetherTheSyncingUserIsOnline(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            JsonNode aliceStart = sync(server, p.alice(), "?" + QUIET);
            sync(server, p.bob(), "?" + QUIET);
            assertThat(get(server, p.alice(), BOB).json().path("presence").asText())
                    .as("set_presence=offline does not bring bob online").isEqualTo("offline");

            JsonNode bobOwn = sync(server, p.bob(), ""); // no set_presence: online
            assertThat(of(bobOwn, BOB).path("presence").asText()).isEqualTo("online");
            JsonNode seen = sync(server, p.alice(), since(aliceStart) + "&" + QUIET);
            assertThat(of(seen, BOB).path("presence").asText()).isEqualTo("online");
            assertThat(of(seen, BOB).path("currently_active").asBoolean()).isTrue();

            sync(server, p.bob(), "?set_presence=unavailable");
            JsonNode idle = sync(server, p.alice(), since(seen) + "&" + QUIET);
            assertThat(of(idle, BOB).path("presence").asText()).isEqualTo("unavailable");
        }
    }

    @OnEveryDatabase
    void aPresenceChangeWakesTheLongPollOfARoomPeer(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            String bobSince = since(sync(server, p.bob(), "?" + QUIET));
            CompletableFuture<JsonNode> poll = CompletableFuture.supplyAsync(
                    () -> sync(server, p.bob(), bobSince + "&timeout=20000&" + QUIET));
            Thread.sleep(300);
            assertThat(poll).isNotDone();
            long start = System.nanoTime();
            put(server, p.alice(), ALICE, "{\"presence\":\"online\"}");
            JsonNode woken = poll.get(10, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
            assertThat(senders(woken)).containsExactly(ALICE);
        }
    }

    @OnEveryDatabase
    void theFiltersPresencePartApplies(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            put(server, p.alice(), ALICE, "{\"presence\":\"online\"}");
            put(server, p.bob(), BOB, "{\"presence\":\"online\"}");
            String quiet = "&" + QUIET;
            assertThat(senders(sync(server, p.bob(), "?filter=" + path("{\"presence\":{\"not_types\":[\"m.*\"]}}")
                    + quiet))).isEmpty();
            assertThat(senders(sync(server, p.bob(), "?filter=" + path("{\"presence\":{\"types\":[\"m.typing\"]}}")
                    + quiet))).isEmpty();
            assertThat(senders(sync(server, p.bob(), "?filter=" + path("{\"presence\":{\"senders\":[\"" + ALICE
                    + "\"]}}") + quiet))).containsExactly(ALICE);
            assertThat(senders(sync(server, p.bob(), "?filter=" + path("{\"presence\":{\"not_senders\":[\"" + ALICE
                    + "\"]}}") + quiet))).containsExactly(BOB);
            assertThat(senders(sync(server, p.bob(), "?filter=" + path("{\"presence\":{\"limit\":1}}") + quiet)))
                    .as("the most recent change").containsExactly(BOB);
            assertThat(senders(sync(server, p.bob(), "?" + QUIET))).containsExactlyInAnyOrder(ALICE, BOB);
        }
    }

    @OnEveryDatabase
    void withPresenceDisabledNothingIsTrackedOrShown(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, config -> config.withPresence(false))) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            assertThat(put(server, p.alice(), ALICE, "{\"presence\":\"online\"}").status()).isEqualTo(200);
            assertThat(put(server, p.alice(), ALICE, "{\"presence\":\"away\"}").status()).as("still validated")
                    .isEqualTo(400);
            sync(server, p.alice(), "");
            assertThat(get(server, p.bob(), ALICE).json().path("presence").asText()).isEqualTo("offline");
            assertThat(sync(server, p.bob(), "").has("presence")).isFalse();
        }
    }
}
