package dev.starling.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** 429 M_LIMIT_EXCEEDED with retry_after_ms and Retry-After (spec § Rate limiting), keyed per user or IP. */
class RateLimitHttpTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        // Two requests at once, then one per 1000 s: the third is refused for the rest of the test.
        HttpServerConfig config = HttpServerConfig.ephemeral().withRateLimits(Map.of(
                RateLimit.MESSAGES, new Rate(0.001, 2),
                RateLimit.LOGIN, new Rate(0.001, 1)));
        server = TestServer.start(config, TestServer.AUTHENTICATOR, List.of(
                Route.put("/send", r -> MatrixResponse.empty()).rateLimited(RateLimit.MESSAGES),
                Route.post("/login", r -> MatrixResponse.empty()).access(Access.PUBLIC).rateLimited(RateLimit.LOGIN),
                Route.get("/unlimited", r -> MatrixResponse.empty()).access(Access.PUBLIC)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aUserOverTheLimitGets429WithRetryAfter() {
        String alice = "Bearer " + TestServer.ALICE_TOKEN;
        assertThat(server.send("PUT", "/send", "{}", "Authorization", alice).status()).isEqualTo(200);
        assertThat(server.send("PUT", "/send", "{}", "Authorization", alice).status()).isEqualTo(200);
        TestServer.Reply refused = server.send("PUT", "/send", "{}", "Authorization", alice);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.errcode()).isEqualTo("M_LIMIT_EXCEEDED");
        long retryAfterMs = refused.json().path("retry_after_ms").asLong();
        assertThat(retryAfterMs).isBetween(900_000L, 1_000_000L);
        assertThat(refused.header("Retry-After")).contains(Long.toString(Math.ceilDiv(retryAfterMs, 1000L)));
        RoutingHttpTest.assertCors(refused);

        // Bob has his own bucket.
        assertThat(server.send("PUT", "/send", "{}", "Authorization", "Bearer " + TestServer.BOB_TOKEN).status())
                .isEqualTo(200);
    }

    @Test
    void unauthenticatedRequestsAreLimitedPerIpAndOnlyOnLimitedRoutes() {
        assertThat(server.send("POST", "/login", "{}").status()).isEqualTo(200);
        assertThat(server.send("POST", "/login", "{}").status()).isEqualTo(429);
        for (int i = 0; i < 5; i++) {
            assertThat(server.get("/unlimited").status()).isEqualTo(200);
        }
    }
}
