package dev.starling.server.accountdata;

import static dev.starling.server.SideChannels.accountData;
import static dev.starling.server.SideChannels.ofType;
import static dev.starling.server.SideChannels.roomEvents;
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
import java.util.List;

/** Account data, room tags and their /sync sections, through the real homeserver, on every database. */
class AccountDataHttpTest {
    static final String ALICE = "@alice:example.org";

    static String global(String user, String type) {
        return V3 + "/user/" + path(user) + "/account_data/" + path(type);
    }

    static String inRoom(String user, String roomId, String type) {
        return V3 + "/user/" + path(user) + "/rooms/" + path(roomId) + "/account_data/" + path(type);
    }

    static String tags(String user, String roomId) {
        return V3 + "/user/" + path(user) + "/rooms/" + path(roomId) + "/tags";
    }

    @OnEveryDatabase
    void globalAndRoomAccountDataAreStoredReadAndSynced(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            JsonNode before = sync(server, p.alice(), "");
            assertThat(server.put(global(ALICE, "org.example.config"), "{\"theme\":\"dark\"}", p.alice()).status())
                    .isEqualTo(200);
            assertThat(server.put(inRoom(ALICE, p.roomId(), "org.example.room"), "{\"pinned\":true}", p.alice())
                    .status()).isEqualTo(200);

            assertThat(server.get(global(ALICE, "org.example.config"), p.alice()).json().path("theme").asText())
                    .isEqualTo("dark");
            assertThat(server.get(inRoom(ALICE, p.roomId(), "org.example.room"), p.alice()).json().path("pinned")
                    .asBoolean()).isTrue();
            Reply missing = server.get(global(ALICE, "org.example.none"), p.alice());
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.errcode()).isEqualTo("M_NOT_FOUND");
            assertThat(server.get(global(ALICE, "org.example.room"), p.alice()).status())
                    .as("room account data is not global").isEqualTo(404);

            JsonNode after = sync(server, p.alice(), since(before));
            assertThat(accountData(after, "org.example.config")).hasSize(1);
            assertThat(accountData(after, "org.example.config").get(0).path("content").path("theme").asText())
                    .isEqualTo("dark");
            assertThat(ofType(roomEvents(after, p.roomId(), "account_data"), "org.example.room")).hasSize(1);
            JsonNode quiet = sync(server, p.alice(), since(after));
            assertThat(accountData(quiet, "org.example.config")).as("only changes").isEmpty();
            JsonNode initial = sync(server, p.alice(), "");
            assertThat(accountData(initial, "org.example.config")).hasSize(1);
            assertThat(ofType(roomEvents(initial, p.roomId(), "account_data"), "org.example.room")).hasSize(1);

            server.put(global(ALICE, "org.example.config"), "{\"theme\":\"light\"}", p.alice());
            JsonNode changed = sync(server, p.alice(), since(after));
            assertThat(accountData(changed, "org.example.config").get(0).path("content").path("theme").asText())
                    .isEqualTo("light");
            assertThat(accountData(sync(server, p.bob(), ""), "org.example.config")).as("only the owner's").isEmpty();
        }
    }

    @OnEveryDatabase
    void aChangeWakesTheOwnersLongPoll(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = RoomClient.register(server, "alice");
            String from = since(sync(server, alice, ""));
            var poll = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> sync(server, alice, from + "&timeout=20000"));
            Thread.sleep(300);
            assertThat(poll).isNotDone();
            server.put(global(ALICE, "org.example.config"), "{\"a\":1}", alice);
            JsonNode woken = poll.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(accountData(woken, "org.example.config")).hasSize(1);
        }
    }

    @OnEveryDatabase
    void tagsAreRoomAccountDataAndAcceptFloatOrders(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            JsonNode before = sync(server, p.alice(), "");
            Reply put = server.put(tags(ALICE, p.roomId()) + "/m.favourite", "{\"order\":0.5}", p.alice());
            assertThat(put.status()).as(put.json().toString()).isEqualTo(200);
            server.put(tags(ALICE, p.roomId()) + "/u.work", "{}", p.alice());

            JsonNode listed = server.get(tags(ALICE, p.roomId()), p.alice()).json().path("tags");
            assertThat(listed.path("m.favourite").path("order").asDouble()).isEqualTo(0.5);
            assertThat(listed.has("u.work")).isTrue();
            List<JsonNode> tagEvents = ofType(roomEvents(sync(server, p.alice(), since(before)), p.roomId(),
                    "account_data"), "m.tag");
            assertThat(tagEvents).hasSize(1);
            assertThat(tagEvents.get(0).path("content").path("tags").path("m.favourite").path("order").asDouble())
                    .isEqualTo(0.5);

            assertThat(server.send("DELETE", tags(ALICE, p.roomId()) + "/u.work", null, p.alice()).status())
                    .isEqualTo(200);
            JsonNode after = server.get(tags(ALICE, p.roomId()), p.alice()).json().path("tags");
            assertThat(after.has("u.work")).isFalse();
            assertThat(after.has("m.favourite")).isTrue();
            assertThat(server.get(tags(ALICE, RoomClient.createRoom(server, p.alice(), "{}")), p.alice()).json()
                    .path("tags").isEmpty()).as("no tags yet").isTrue();
        }
    }

    @OnEveryDatabase
    void floatsAreAcceptedInAccountDataButStillRefusedInEvents(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            Reply data = server.put(global(ALICE, "org.example.float"), "{\"ratio\":1.25,\"big\":1e3}", p.alice());
            assertThat(data.status()).as(data.json().toString()).isEqualTo(200);
            assertThat(server.get(global(ALICE, "org.example.float"), p.alice()).json().path("ratio").asDouble())
                    .isEqualTo(1.25);
            Reply event = RoomClient.send(server, p.alice(), p.roomId(), "f1", "{\"msgtype\":\"m.text\",\"body\":\"x\","
                    + "\"ratio\":1.25}");
            assertThat(event.status()).isEqualTo(400);
            assertThat(event.errcode()).isEqualTo("M_BAD_JSON");
            Reply duplicate = server.put(global(ALICE, "org.example.dup"), "{\"a\":1,\"a\":2}", p.alice());
            assertThat(duplicate.errcode()).as("lenient about floats only").isEqualTo("M_BAD_JSON");
            Reply infinite = server.put(global(ALICE, "org.example.inf"), "{\"a\":1e400}", p.alice());
            assertThat(infinite.errcode()).as("no float beyond a double").isEqualTo("M_BAD_JSON");
            Reply trailing = server.put(global(ALICE, "org.example.trail"), "{} {}", p.alice());
            assertThat(trailing.errcode()).isEqualTo("M_NOT_JSON");
            assertThat(server.get(global(ALICE, "org.example.inf"), p.alice()).status()).isEqualTo(404);
        }
    }

    @OnEveryDatabase
    void otherUsersServerManagedTypesAndBadBodiesAreRefused(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            Reply other = server.put(global("@bob:example.org", "org.example.x"), "{}", p.alice());
            assertThat(other.status()).isEqualTo(403);
            assertThat(other.errcode()).isEqualTo("M_FORBIDDEN");
            assertThat(server.get(global("@bob:example.org", "org.example.x"), p.alice()).status()).isEqualTo(403);
            assertThat(server.put(inRoom("@bob:example.org", p.roomId(), "org.example.x"), "{}", p.alice()).status())
                    .isEqualTo(403);
            assertThat(server.put(tags("@bob:example.org", p.roomId()) + "/u.x", "{}", p.alice()).status())
                    .isEqualTo(403);
            assertThat(server.get(tags("@bob:example.org", p.roomId()), p.alice()).status()).isEqualTo(403);
            for (String managed : List.of("m.fully_read", "m.push_rules")) {
                Reply global = server.put(global(ALICE, managed), "{}", p.alice());
                assertThat(global.status()).as(managed).isEqualTo(405);
                assertThat(global.errcode()).isEqualTo("M_BAD_JSON");
                Reply room = server.put(inRoom(ALICE, p.roomId(), managed), "{}", p.alice());
                assertThat(room.status()).as(managed).isEqualTo(405);
                assertThat(room.errcode()).isEqualTo("M_BAD_JSON");
            }
            assertThat(server.get(global(ALICE, "m.push_rules"), p.alice()).json().path("global").has("override"))
                    .as("readable as normal").isTrue();
            Reply notJson = server.put(global(ALICE, "org.example.x"), "not json", p.alice());
            assertThat(notJson.status()).isEqualTo(400);
            assertThat(notJson.errcode()).isEqualTo("M_NOT_JSON");
            Reply array = server.put(global(ALICE, "org.example.x"), "[1]", p.alice());
            assertThat(array.errcode()).isEqualTo("M_BAD_JSON");
            Reply badRoom = server.put(inRoom(ALICE, "@notaroom:example.org", "org.example.x"), "{}", p.alice());
            assertThat(badRoom.status()).isEqualTo(400);
            assertThat(badRoom.errcode()).isEqualTo("M_INVALID_PARAM");
            Reply badOrder = server.put(tags(ALICE, p.roomId()) + "/u.x", "{\"order\":\"first\"}", p.alice());
            assertThat(badOrder.errcode()).isEqualTo("M_BAD_JSON");
            Reply longTag = server.put(tags(ALICE, p.roomId()) + "/" + "t".repeat(256), "{}", p.alice());
            assertThat(longTag.status()).isEqualTo(400);
            assertThat(server.queryLong("SELECT COUNT(*) FROM account_data")).as("nothing stored").isZero();
        }
    }

    @OnEveryDatabase
    void theFilterSelectsAccountDataTypes(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            server.put(global(ALICE, "org.example.a"), "{}", p.alice());
            server.put(global(ALICE, "org.example.b"), "{}", p.alice());
            server.put(inRoom(ALICE, p.roomId(), "org.example.c"), "{}", p.alice());
            JsonNode filtered = sync(server, p.alice(), "?filter=" + path("{\"account_data\":{\"types\":"
                    + "[\"org.example.a\"]},\"room\":{\"account_data\":{\"not_types\":[\"org.example.*\"]}}}"));
            assertThat(accountData(filtered, "org.example.a")).hasSize(1);
            assertThat(accountData(filtered, "org.example.b")).isEmpty();
            assertThat(accountData(filtered, "m.push_rules")).isEmpty();
            assertThat(ofType(roomEvents(filtered, p.roomId(), "account_data"), "org.example.c")).isEmpty();
        }
    }
}
