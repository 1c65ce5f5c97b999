package dev.starling.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.UserId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link MatrixHttpServer} on an ephemeral loopback port with test routes, and a real HTTP client to
 * call it. Tokens: {@link #ALICE_TOKEN} and {@link #BOB_TOKEN} are known; any other is unknown.
 */
public final class TestServer implements AutoCloseable {
    public static final String ALICE_TOKEN = "syt_alice_token";
    public static final String BOB_TOKEN = "syt_bob_token";
    public static final AuthenticatedDevice ALICE =
            new AuthenticatedDevice(UserId.parse("@alice:example.org"), new DeviceId("ALICEDEVICE"));
    public static final AuthenticatedDevice BOB =
            new AuthenticatedDevice(UserId.parse("@bob:example.org"), new DeviceId("BOBDEVICE"));
    public static final Authenticator AUTHENTICATOR = token -> switch (token) {
        case ALICE_TOKEN -> Optional.of(ALICE);
        case BOB_TOKEN -> Optional.of(BOB);
        default -> Optional.empty();
    };

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final MatrixHttpServer server;
    private final int port;

    private TestServer(MatrixHttpServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static TestServer start(List<Route> routes) {
        return start(HttpServerConfig.ephemeral(), AUTHENTICATOR, routes);
    }

    public static TestServer start(HttpServerConfig config, Authenticator authenticator, List<Route> routes) {
        MatrixHttpServer server = new MatrixHttpServer(config, Router.of(routes), authenticator);
        try {
            return new TestServer(server, server.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The absolute URI of {@code rawPathAndQuery}, kept exactly as written (percent-escapes included). */
    public URI uri(String rawPathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + rawPathAndQuery);
    }

    public Reply get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    public Reply send(String method, String path, String body, String... headers) {
        return sendBytes(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    public Reply sendBytes(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }

    /** A response as the client saw it. */
    public record Reply(int status, String body, Map<String, List<String>> headers) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String errcode() {
            return json().path("errcode").asText(null);
        }

        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst();
        }
    }
}
