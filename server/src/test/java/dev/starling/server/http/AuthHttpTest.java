package dev.starling.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Access tokens (spec § Using access tokens): 401 M_MISSING_TOKEN / M_UNKNOWN_TOKEN, per route access. */
class AuthHttpTest {
    private static final AtomicInteger HANDLED = new AtomicInteger();
    private static TestServer server;

    @BeforeAll
    static void start() {
        MatrixHandler whoami = r -> {
            HANDLED.incrementAndGet();
            return MatrixResponse.ok(Map.of("user_id", r.device().map(d -> d.userId().value()).orElse("nobody")));
        };
        Authenticator authenticator = token -> token.equals("soft")
                ? thrower()
                : TestServer.AUTHENTICATOR.authenticate(token);
        server = TestServer.start(HttpServerConfig.ephemeral(), authenticator, List.of(
                Route.get("/required", whoami),
                Route.get("/optional", whoami).access(Access.OPTIONAL),
                Route.get("/public", whoami).access(Access.PUBLIC)));
    }

    private static java.util.Optional<AuthenticatedDevice> thrower() {
        throw MatrixException.unknownToken(true);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aMissingTokenIs401MissingTokenAndTheHandlerDoesNotRun() {
        int before = HANDLED.get();
        TestServer.Reply reply = server.get("/required");
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.errcode()).isEqualTo("M_MISSING_TOKEN");
        assertThat(HANDLED.get()).isEqualTo(before);
    }

    @Test
    void anUnknownTokenIs401UnknownToken() {
        TestServer.Reply reply = server.get("/required", "Authorization", "Bearer nope");
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.errcode()).isEqualTo("M_UNKNOWN_TOKEN");
        assertThat(reply.json().path("soft_logout").asBoolean(true)).isFalse();
        assertThat(reply.body()).doesNotContain("nope");
    }

    @Test
    void aSoftLogoutFromTheAuthenticatorReachesTheClient() {
        TestServer.Reply reply = server.get("/required", "Authorization", "Bearer soft");
        assertThat(reply.errcode()).isEqualTo("M_UNKNOWN_TOKEN");
        assertThat(reply.json().path("soft_logout").asBoolean()).isTrue();
    }

    @Test
    void aBearerTokenAuthenticates() {
        TestServer.Reply reply = server.get("/required", "Authorization", "Bearer " + TestServer.ALICE_TOKEN);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("user_id").asText()).isEqualTo("@alice:example.org");
        assertThat(server.get("/required", "Authorization", "bearer " + TestServer.BOB_TOKEN)
                .json().path("user_id").asText()).isEqualTo("@bob:example.org");
    }

    @Test
    void theDeprecatedQueryParameterAuthenticates() {
        TestServer.Reply reply = server.get("/required?access_token=" + TestServer.ALICE_TOKEN);
        assertThat(reply.json().path("user_id").asText()).isEqualTo("@alice:example.org");
    }

    @Test
    void aTokenSentTwiceIsRefused() {
        TestServer.Reply reply = server.get("/required?access_token=" + TestServer.ALICE_TOKEN,
                "Authorization", "Bearer " + TestServer.BOB_TOKEN);
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.errcode()).isEqualTo("M_MISSING_TOKEN");
    }

    @Test
    void anotherAuthorizationSchemeIsNoToken() {
        assertThat(server.get("/required", "Authorization", "Basic YTpi").errcode()).isEqualTo("M_MISSING_TOKEN");
        assertThat(server.get("/required", "Authorization", "Bearer ").errcode()).isEqualTo("M_MISSING_TOKEN");
    }

    @Test
    void anOptionalRouteWorksWithoutTokenButRefusesAnUnknownOne() {
        assertThat(server.get("/optional").json().path("user_id").asText()).isEqualTo("nobody");
        assertThat(server.get("/optional", "Authorization", "Bearer " + TestServer.ALICE_TOKEN)
                .json().path("user_id").asText()).isEqualTo("@alice:example.org");
        assertThat(server.get("/optional", "Authorization", "Bearer nope").errcode()).isEqualTo("M_UNKNOWN_TOKEN");
    }

    @Test
    void aPublicRouteIgnoresTokens() {
        TestServer.Reply reply = server.get("/public", "Authorization", "Bearer nope");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("user_id").asText()).isEqualTo("nobody");
    }
}
