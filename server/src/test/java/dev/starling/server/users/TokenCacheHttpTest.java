package dev.starling.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.keys.KeysClient;
import dev.starling.server.keys.KeysClient.User;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Authenticated devices are kept in memory ({@link TokenCache}): every way of revoking a token must make it fail
 * from the moment the revoking request has answered, even when the token was just used (so kept). On every
 * database.
 */
class TokenCacheHttpTest {
    private static final String V3 = "/_matrix/client/v3";
    private static final String WHOAMI = V3 + "/account/whoami";

    private static String auth(String password) {
        return "\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"},"
                + "\"password\":\"" + password + "\"}";
    }

    /** Uses the token twice (the second answer comes from the kept entry). */
    private static void used(TestHomeServer server, User user) {
        assertThat(server.get(WHOAMI, user.token()).status()).isEqualTo(200);
        assertThat(server.get(WHOAMI, user.token()).json().path("device_id").asText()).isEqualTo(user.deviceId());
    }

    private static void revoked(TestHomeServer server, User user) {
        Reply reply = server.get(WHOAMI, user.token());
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.errcode()).isEqualTo("M_UNKNOWN_TOKEN");
    }

    @OnEveryDatabase
    void logoutAndLogoutAllRevokeKeptTokens(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = KeysClient.register(server, "alice");
            User phone = KeysClient.login(server, "alice");
            User tablet = KeysClient.login(server, "alice");
            used(server, alice);
            used(server, phone);
            used(server, tablet);

            assertThat(server.post(V3 + "/logout", "{}", phone.token()).status()).isEqualTo(200);
            revoked(server, phone);
            used(server, alice);

            assertThat(server.post(V3 + "/logout/all", "{}", alice.token()).status()).isEqualTo(200);
            revoked(server, alice);
            revoked(server, tablet);
        }
    }

    @OnEveryDatabase
    void deletingDevicesRevokesKeptTokens(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = KeysClient.register(server, "alice");
            User phone = KeysClient.login(server, "alice");
            User tablet = KeysClient.login(server, "alice");
            used(server, phone);
            used(server, tablet);

            Reply one = server.send("DELETE", V3 + "/devices/" + phone.deviceId(), "{" + auth(KeysClient.PASSWORD) + "}",
                    alice.token());
            assertThat(one.status()).as(one.json().toString()).isEqualTo(200);
            revoked(server, phone);
            used(server, tablet);

            Reply many = server.post(V3 + "/delete_devices", "{\"devices\":[\"" + tablet.deviceId() + "\"],"
                    + auth(KeysClient.PASSWORD) + "}", alice.token());
            assertThat(many.status()).as(many.json().toString()).isEqualTo(200);
            revoked(server, tablet);
            used(server, alice);
        }
    }

    @OnEveryDatabase
    void aPasswordChangeAndALoginOnTheSameDeviceRevokeKeptTokens(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = KeysClient.register(server, "alice");
            User phone = KeysClient.login(server, "alice");
            used(server, alice);
            used(server, phone);

            Reply changed = server.post(V3 + "/account/password", "{\"new_password\":\"n3w\","
                    + auth(KeysClient.PASSWORD) + "}", alice.token());
            assertThat(changed.status()).as(changed.json().toString()).isEqualTo(200);
            revoked(server, phone);
            used(server, alice);

            Reply again = server.post(V3 + "/login", "{\"type\":\"m.login.password\",\"identifier\":{\"type\":"
                    + "\"m.id.user\",\"user\":\"alice\"},\"password\":\"n3w\",\"device_id\":\"" + alice.deviceId()
                    + "\"}", null);
            assertThat(again.status()).as(again.json().toString()).isEqualTo(200);
            revoked(server, alice);
            assertThat(server.get(WHOAMI, again.json().path("access_token").asText()).status()).isEqualTo(200);
        }
    }

    /**
     * Requests keep authenticating with a token while another logs it out: none that started after the logout
     * answered may succeed.
     */
    @OnEveryDatabase
    void noRequestStartedAfterTheLogoutAnsweredIsAccepted(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            KeysClient.register(server, "alice");
            User phone = KeysClient.login(server, "alice");
            used(server, phone);
            record Attempt(long startedNanos, int status) {}
            ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        long started = System.nanoTime();
                        attempts.add(new Attempt(started, server.get(WHOAMI, phone.token()).status()));
                    }
                }));
            }
            Thread.sleep(200);
            assertThat(server.post(V3 + "/logout", "{}", phone.token()).status()).isEqualTo(200);
            long answered = System.nanoTime();
            // Until enough requests started after the answer (a busy machine may start none for a while).
            long deadline = answered + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (attempts.stream().filter(a -> a.startedNanos() > answered).count() < 20
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(attempts).anyMatch(a -> a.status() == 200);
            List<Attempt> after = attempts.stream().filter(a -> a.startedNanos() > answered).toList();
            assertThat(after).isNotEmpty().allMatch(a -> a.status() == 401);
        }
    }
}
