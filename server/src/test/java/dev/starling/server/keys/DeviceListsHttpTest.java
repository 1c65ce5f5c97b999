package dev.starling.server.keys;

import static dev.starling.server.keys.KeysClient.V3;
import static dev.starling.server.keys.KeysClient.register;
import static dev.starling.server.keys.KeysClient.sync;
import static dev.starling.server.keys.KeysClient.uploadAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.keys.KeysClient.User;
import dev.starling.server.rooms.RoomClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** /sync device_lists and GET /keys/changes through the real homeserver, on every database. */
class DeviceListsHttpTest {
    static List<String> users(JsonNode array) {
        List<String> users = new ArrayList<>();
        array.forEach(u -> users.add(u.asText()));
        return users;
    }

    @OnEveryDatabase
    void roomMatesSeeKeyChangesJoinsAndLeavesStrangersDoNot(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User bob = register(server, "bob");
            User carol = register(server, "carol");
            String roomId = RoomClient.createRoom(server, alice.token(), "{\"preset\":\"public_chat\"}");
            String aliceSince = sync(server, alice, null).json().path("next_batch").asText();
            String carolSince = sync(server, carol, null).json().path("next_batch").asText();
            String start = aliceSince;

            assertThat(RoomClient.membership(server, bob.token(), roomId, "join", null).status()).isEqualTo(200);
            JsonNode joined = sync(server, alice, aliceSince).json();
            assertThat(users(joined.path("device_lists").path("changed"))).containsExactly(bob.userId());
            aliceSince = joined.path("next_batch").asText();

            // A long-poll of a room mate wakes for a key upload; a stranger's does not see it.
            String since = aliceSince;
            CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(
                    () -> server.get(V3 + "/sync?timeout=20000&since=" + since, alice.token()));
            Thread.sleep(300);
            uploadAll(server, bob, 1);
            JsonNode woke = waiting.get(10, TimeUnit.SECONDS).json();
            assertThat(users(woke.path("device_lists").path("changed"))).containsExactly(bob.userId());
            aliceSince = woke.path("next_batch").asText();
            JsonNode stranger = sync(server, carol, carolSince).json();
            assertThat(stranger.has("device_lists")).isFalse();
            assertThat(stranger.path("device_one_time_keys_count").path("signed_curve25519").asInt()).isZero();

            Reply changes = server.get(V3 + "/keys/changes?from=" + start + "&to=" + aliceSince, alice.token());
            assertThat(changes.status()).isEqualTo(200);
            assertThat(users(changes.json().path("changed"))).containsExactly(bob.userId());

            assertThat(RoomClient.membership(server, bob.token(), roomId, "leave", null).status()).isEqualTo(200);
            JsonNode left = sync(server, alice, aliceSince).json();
            assertThat(users(left.path("device_lists").path("left"))).containsExactly(bob.userId());
            assertThat(users(left.path("device_lists").path("changed"))).isEmpty();
            String end = left.path("next_batch").asText();

            Reply all = server.get(V3 + "/keys/changes?from=" + start + "&to=" + end, alice.token());
            assertThat(users(all.json().path("left"))).containsExactly(bob.userId());
            assertThat(users(all.json().path("changed"))).isEmpty();
        }
    }

    @OnEveryDatabase
    void ownNewDeviceIsAChangeOfOwnDeviceList(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            String since = sync(server, alice, null).json().path("next_batch").asText();
            User laptop = KeysClient.login(server, "alice");
            uploadAll(server, laptop, 1);
            JsonNode next = sync(server, alice, since).json();
            assertThat(users(next.path("device_lists").path("changed"))).containsExactly(alice.userId());
        }
    }

    @OnEveryDatabase
    void badKeysChangesTokensAreRefused(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            Reply missing = server.get(V3 + "/keys/changes?from=s1_0", alice.token());
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.errcode()).isEqualTo("M_MISSING_PARAM");
            Reply bad = server.get(V3 + "/keys/changes?from=garbage&to=s1_0", alice.token());
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.errcode()).isEqualTo("M_INVALID_PARAM");
        }
    }
}
