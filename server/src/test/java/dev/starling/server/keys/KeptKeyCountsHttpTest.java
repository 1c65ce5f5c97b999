package dev.starling.server.keys;

import static dev.starling.server.keys.KeysClient.V3;
import static dev.starling.server.keys.KeysClient.register;
import static dev.starling.server.keys.KeysClient.signedKey;
import static dev.starling.server.keys.KeysClient.uploadAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.keys.KeysClient.User;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * /sync keeps each device's one-time key count and unused fallback key types between answers
 * ({@link KeysSyncSource}): every answer must equal the tables, through uploads, claims (local, of one-time and
 * fallback keys), replaced fallback keys, concurrent claims and a restart.
 */
class KeptKeyCountsHttpTest {
    private static void assertEqualsTables(TestHomeServer server, User user, JsonNode sync) {
        String device = "user_id = '" + user.userId() + "' AND device_id = '" + user.deviceId() + "'";
        assertThat(sync.path("device_one_time_keys_count").path("signed_curve25519").asLong())
                .as(sync.toString()).isEqualTo(server.queryLong("SELECT COUNT(*) FROM one_time_keys WHERE " + device));
        assertThat((long) sync.path("device_unused_fallback_key_types").size()).as(sync.toString())
                .isEqualTo(server.queryLong("SELECT COUNT(*) FROM fallback_keys WHERE used = FALSE AND " + device));
    }

    private static JsonNode checked(TestHomeServer server, User user, String since) {
        JsonNode sync = KeysClient.sync(server, user, since).json();
        assertEqualsTables(server, user, sync);
        return sync;
    }

    private static void fallback(TestHomeServer server, User user, String id, String key) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("fallback_keys").set("signed_curve25519:" + id, signedKey(user, key, true));
        assertThat(server.post(V3 + "/keys/upload", body.toString(), user.token()).status()).isEqualTo(200);
    }

    @OnEveryDatabase
    void everyAnswerEqualsTheTables(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User bob = register(server, "bob");
            String since = checked(server, alice, null).path("next_batch").asText();
            uploadAll(server, alice, 3);
            since = checked(server, alice, since).path("next_batch").asText();
            since = checked(server, alice, since).path("next_batch").asText(); // unchanged: from memory
            assertThat(KeysHttpTest.claim(server, bob, alice).status()).isEqualTo(200);
            since = checked(server, alice, since).path("next_batch").asText();
            fallback(server, alice, "FB1", "fallback one");
            since = checked(server, alice, since).path("next_batch").asText();
            for (int i = 0; i < 3; i++) { // the last two one-time keys, then the fallback key
                assertThat(KeysHttpTest.claim(server, bob, alice).status()).isEqualTo(200);
                since = checked(server, alice, since).path("next_batch").asText();
            }
            fallback(server, alice, "FB2", "fallback two");
            since = checked(server, alice, since).path("next_batch").asText();
            checked(server, alice, null);

            server.restart();
            since = checked(server, alice, since).path("next_batch").asText();
            assertThat(KeysHttpTest.claim(server, bob, alice).status()).isEqualTo(200);
            checked(server, alice, since);
        }
    }

    @OnEveryDatabase
    void concurrentClaimsLeaveNoStaleCount(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User bob = register(server, "bob");
            uploadAll(server, alice, 20);
            String since = checked(server, alice, null).path("next_batch").asText();
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            try {
                List<Future<?>> claims = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    claims.add(pool.submit(() -> KeysHttpTest.claim(server, bob, alice)));
                }
                while (claims.stream().anyMatch(f -> !f.isDone())) {
                    since = KeysClient.sync(server, alice, since).json().path("next_batch").asText();
                }
                for (Future<?> f : claims) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            JsonNode last = checked(server, alice, since);
            assertThat(last.path("device_one_time_keys_count").path("signed_curve25519").asInt()).isEqualTo(8);
        }
    }
}
