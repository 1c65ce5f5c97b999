package dev.starling.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.time.Clock;
import java.util.List;
import java.util.OptionalLong;

/**
 * Registration with tokens stored in the database (Client-Server API § Token-authenticated registration), beside
 * the configured ones: uses allowed, pending and completed counts, expiry, and the validity endpoint.
 */
class RegistrationTokensHttpTest {
    private static final String REGISTER = "/_matrix/client/v3/register";
    private static final String VALIDITY = "/_matrix/client/v1/register/m.login.registration_token/validity?token=";

    @OnEveryDatabase
    void aStoredTokenAllowsAsManyRegistrationsAsItsUsesThenNoMore(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, false, List.of())) {
            RegistrationTokenStore store = store(server);
            assertThat(server.post(REGISTER, "{\"username\":\"ann\",\"password\":\"pw\"}", null).status())
                    .as("closed, no token anywhere").isEqualTo(403);
            assertThat(store.create("two-uses", OptionalLong.of(2), OptionalLong.empty())).isTrue();
            assertThat(store.create("two-uses", OptionalLong.of(5), OptionalLong.empty())).as("exists").isFalse();

            Reply challenge = server.post(REGISTER, "{\"username\":\"ann\",\"password\":\"pw\"}", null);
            assertThat(challenge.status()).isEqualTo(401);
            assertThat(challenge.json().path("flows").toString())
                    .isEqualTo("[{\"stages\":[\"m.login.registration_token\"]}]");
            assertThat(valid(server, "two-uses")).isTrue();
            assertThat(registerWith(server, "ann", "two-uses").status()).isEqualTo(200);
            assertThat(registerWith(server, "bob", "two-uses").status()).isEqualTo(200);
            assertThat(store.list()).singleElement().satisfies(t -> {
                assertThat(t.completed()).isEqualTo(2);
                assertThat(t.pending()).isZero();
                assertThat(t.prefix()).as("short tokens show nothing").isEmpty();
            });

            long users = server.queryLong("SELECT COUNT(*) FROM users");
            Reply third = registerWith(server, "cat", "two-uses");
            assertThat(third.status()).isEqualTo(401);
            assertThat(third.errcode()).isEqualTo("M_FORBIDDEN");
            assertThat(valid(server, "two-uses")).isFalse();
            assertThat(server.queryLong("SELECT COUNT(*) FROM users")).isEqualTo(users);
        }
    }

    @OnEveryDatabase
    void anExpiredOrDeletedTokenIsRefusedAndAFailedRegistrationGivesItsUseBack(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, false, List.of("from-config"))) {
            RegistrationTokenStore store = store(server);
            long past = System.currentTimeMillis() - 1000;
            store.create("expired", OptionalLong.empty(), OptionalLong.of(past));
            store.create("once", OptionalLong.of(1), OptionalLong.of(System.currentTimeMillis() + 60_000));
            assertThat(valid(server, "expired")).isFalse();
            assertThat(registerWith(server, "dan", "expired").status()).isEqualTo(401);
            assertThat(valid(server, "from-config")).isTrue();
            assertThat(valid(server, "not a token!")).isFalse();

            // A password beyond the limit fails inside the registration: the reserved use is released.
            String longPassword = "p".repeat(Accounts.MAX_PASSWORD_BYTES + 1);
            Reply refused = registerWith(server, "dan", "once", longPassword);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(store.list()).filteredOn(t -> t.usesAllowed().isPresent()).singleElement()
                    .satisfies(t -> assertThat(t.pending() + t.completed()).isZero());
            assertThat(registerWith(server, "dan", "once").status()).isEqualTo(200);

            store.create("deleted-one", OptionalLong.empty(), OptionalLong.empty());
            assertThat(store.delete("deleted-one")).isTrue();
            assertThat(store.delete("deleted-one")).isFalse();
            assertThat(registerWith(server, "eve", "deleted-one").status()).isEqualTo(401);
            assertThat(registerWith(server, "eve", "from-config").status()).as("config tokens still work")
                    .isEqualTo(200);
        }
    }

    @OnEveryDatabase
    void concurrentRegistrationsNeverExceedATokensUses(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, false, List.of())) {
            store(server).create("race", OptionalLong.of(2), OptionalLong.empty());
            List<String> bodies = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String credentials = "\"username\":\"racer" + i + "\",\"password\":\"pw\"";
                String session = server.post(REGISTER, "{" + credentials + "}", null).json().path("session").asText();
                bodies.add("{" + credentials + ",\"auth\":{\"type\":\"m.login.registration_token\",\"token\":\"race\","
                        + "\"session\":\"" + session + "\"}}");
            }
            List<java.util.concurrent.CompletableFuture<Reply>> replies = bodies.stream()
                    .map(body -> java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> server.post(REGISTER, body, null)))
                    .toList();
            long registered = 0;
            for (var reply : replies) {
                int status = reply.get().status();
                assertThat(status).isIn(200, 401, 403);
                registered += status == 200 ? 1 : 0;
            }
            assertThat(registered).isEqualTo(2);
            assertThat(server.queryLong("SELECT COUNT(*) FROM users")).isEqualTo(2);
            assertThat(store(server).list()).singleElement().satisfies(t -> {
                assertThat(t.completed()).isEqualTo(2);
                assertThat(t.pending()).isZero();
            });
        }
    }

    @OnEveryDatabase
    void tokensAreStoredOnlyAsHashes(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, false, List.of())) {
            String token = RegistrationTokenStore.generate(new java.security.SecureRandom());
            assertThat(token).matches("[A-Za-z0-9]{24}");
            store(server).create(token, OptionalLong.empty(), OptionalLong.empty());
            assertThat(server.queryLong("SELECT COUNT(*) FROM registration_tokens WHERE token_prefix = '"
                    + token.substring(0, 4) + "'")).isEqualTo(1);
            assertThat(server.queryLong("SELECT COUNT(*) FROM registration_tokens WHERE token_prefix = '" + token
                    + "'")).isZero();
        }
    }

    private static RegistrationTokenStore store(TestHomeServer server) {
        return new RegistrationTokenStore(server.homeServer().database(), Clock.systemUTC());
    }

    private static boolean valid(TestHomeServer server, String token) {
        return server.get(VALIDITY + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8), null)
                .json().path("valid").asBoolean();
    }

    private static Reply registerWith(TestHomeServer server, String user, String token) {
        return registerWith(server, user, token, "pw");
    }

    private static Reply registerWith(TestHomeServer server, String user, String token, String password) {
        String credentials = "\"username\":\"" + user + "\",\"password\":\"" + password + "\"";
        Reply challenge = server.post(REGISTER, "{" + credentials + "}", null);
        assertThat(challenge.status()).isEqualTo(401);
        return server.post(REGISTER, "{" + credentials + ",\"auth\":{\"type\":\"m.login.registration_token\","
                + "\"token\":\"" + token + "\",\"session\":\"" + challenge.json().path("session").asText() + "\"}}",
                null);
    }
}
