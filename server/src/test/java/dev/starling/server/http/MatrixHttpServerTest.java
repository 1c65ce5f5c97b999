package dev.starling.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatrixHttpServerTest {
    private static final Router ROUTER = Router.of(List.of(
            Route.get("/ping", r -> MatrixResponse.empty()).access(Access.PUBLIC)));

    @Test
    void portZeroBindsAnEphemeralPortAndStartReturnsIt() throws IOException {
        try (MatrixHttpServer server = new MatrixHttpServer(HttpServerConfig.ephemeral(), ROUTER, Authenticator.none())) {
            assertThat(server.start()).isPositive();
        }
    }

    @Test
    void aPortInUseIsAnIOException() throws IOException {
        try (MatrixHttpServer first = new MatrixHttpServer(HttpServerConfig.ephemeral(), ROUTER, Authenticator.none())) {
            int port = first.start();
            MatrixHttpServer second = new MatrixHttpServer(HttpServerConfig.ephemeral().withPort(port), ROUTER,
                    Authenticator.none());
            assertThatThrownBy(second::start).isInstanceOf(IOException.class);
        }
    }

    @Test
    void forwardedHeadersSetTheClientIpOnlyWhenTrusted() {
        List<Route> routes = List.of(Route.get("/ip", r -> MatrixResponse.ok(java.util.Map.of("ip", r.clientIp())))
                .access(Access.PUBLIC));
        HttpServerConfig untrusted = HttpServerConfig.ephemeral();
        HttpServerConfig trusted = new HttpServerConfig(untrusted.bindAddress(), 0, untrusted.maxJsonBodyBytes(),
                true, true, java.util.Map.of());
        try (TestServer server = TestServer.start(untrusted, Authenticator.none(), routes)) {
            assertThat(server.get("/ip", "X-Forwarded-For", "203.0.113.5").json().path("ip").asText())
                    .isEqualTo("127.0.0.1");
        }
        try (TestServer server = TestServer.start(trusted, Authenticator.none(), routes)) {
            assertThat(server.get("/ip", "X-Forwarded-For", "203.0.113.5").json().path("ip").asText())
                    .isEqualTo("203.0.113.5");
        }
    }

    @Test
    void theConfigDefaultsAreDocumentedValuesAndBadOnesAreRefused() {
        HttpServerConfig defaults = HttpServerConfig.defaults();
        assertThat(defaults.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(defaults.port()).isEqualTo(8008);
        assertThat(defaults.maxJsonBodyBytes()).isEqualTo(200 * 1024);
        assertThat(defaults.cors()).isTrue();
        assertThat(defaults.trustForwardedHeaders()).isFalse();
        assertThatThrownBy(() -> defaults.withPort(70_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withMaxJsonBodyBytes(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
