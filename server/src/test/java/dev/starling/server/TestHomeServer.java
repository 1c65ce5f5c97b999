package dev.starling.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.config.ServerConfig;
import dev.starling.server.http.Rate;
import dev.starling.server.http.RateLimit;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.TestDatabase;
import dev.starling.server.users.PasswordHasher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A whole homeserver on an ephemeral loopback port and a fresh database of the given backend, with a tiny
 * HTTP client. Rate limits are raised and the password hash cost lowered so tests run fast; everything else
 * is the production wiring.
 */
public final class TestHomeServer implements AutoCloseable {
    public static final ServerName SERVER_NAME = ServerName.parse("example.org");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final TestDatabase database;
    private final ServerConfig config;
    private final HomeServer.Tuning tuning;
    private final SigningKey signingKey;
    private HomeServer server;

    private TestHomeServer(TestDatabase database, ServerConfig config, HomeServer.Tuning tuning, SigningKey signingKey) {
        this.database = database;
        this.config = config;
        this.tuning = tuning;
        this.signingKey = signingKey;
        this.server = HomeServer.start(config, database.config(), tuning, signingKey);
    }

    /** A server with open registration (m.login.dummy) and the given registration tokens. */
    public static TestHomeServer start(Backend backend, boolean openRegistration, List<String> tokens) {
        return start(backend, openRegistration, tokens, ServerConfig.DEFAULT_MAX_UPLOAD_SIZE);
    }

    /** As {@link #start(Backend, boolean, List)} with the given metrics listener settings. */
    public static TestHomeServer start(Backend backend, boolean openRegistration, List<String> tokens,
            ServerConfig.Metrics metrics) {
        return start(backend, openRegistration, tokens, ServerConfig.DEFAULT_MAX_UPLOAD_SIZE, metrics);
    }

    /** As {@link #start(Backend, boolean, List)} with another media upload limit. */
    public static TestHomeServer start(Backend backend, boolean openRegistration, List<String> tokens,
            long maxUploadSize) {
        return start(backend, openRegistration, tokens, maxUploadSize, ServerConfig.Metrics.disabled());
    }

    /** An open-registration server whose configuration {@code adjust} changes (e.g. presence off). */
    public static TestHomeServer start(Backend backend, java.util.function.UnaryOperator<ServerConfig> adjust) {
        return start(backend, true, List.of(), ServerConfig.DEFAULT_MAX_UPLOAD_SIZE, ServerConfig.Metrics.disabled(),
                adjust);
    }

    private static TestHomeServer start(Backend backend, boolean openRegistration, List<String> tokens,
            long maxUploadSize, ServerConfig.Metrics metrics) {
        return start(backend, openRegistration, tokens, maxUploadSize, metrics, config -> config);
    }

    private static TestHomeServer start(Backend backend, boolean openRegistration, List<String> tokens,
            long maxUploadSize, ServerConfig.Metrics metrics, java.util.function.UnaryOperator<ServerConfig> adjust) {
        TestDatabase database = backend.create();
        database.handOver();
        ServerConfig.Database db = new ServerConfig.Database(ServerConfig.Database.Kind.SQLITE, "", "", "");
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("starling-data-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerConfig config = adjust.apply(new ServerConfig(SERVER_NAME, dataDir, "127.0.0.1", 0,
                "http://example.org", openRegistration, tokens, db, maxUploadSize, metrics));
        Map<RateLimit, Rate> generous = new EnumMap<>(RateLimit.class);
        for (RateLimit limit : RateLimit.values()) {
            generous.put(limit, new Rate(1000, 1000));
        }
        return new TestHomeServer(database, config, new HomeServer.Tuning(new PasswordHasher.Cost(64, 1, 1), generous),
                SigningKey.generate(KeyId.ed25519("test")));
    }

    /** Stops the server and starts it again on the same database and key, as a restart of the process does. */
    public void restart() {
        server.close();
        server = HomeServer.start(config, database.config(), tuning, signingKey);
    }

    /** An HTTP answer: status and JSON body. */
    public record Reply(int status, JsonNode json) {
        public String errcode() {
            return json.path("errcode").asText(null);
        }
    }

    /**
     * Registers through both steps of user-interactive auth with {@code m.login.dummy} (the server must have
     * open registration): the first request must be answered 401 with a session. Returns the final answer.
     */
    public Reply register(String username, String password) {
        String credentials = "\"username\":\"" + username + "\",\"password\":\"" + password + "\"";
        Reply challenge = post("/_matrix/client/v3/register", "{" + credentials + "}", null);
        if (challenge.status() != 401) {
            throw new AssertionError("expected a 401 UIA challenge, got " + challenge);
        }
        String session = challenge.json().path("session").asText();
        return post("/_matrix/client/v3/register", "{" + credentials
                + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}", null);
    }

    public Reply get(String path, String token) {
        return send("GET", path, null, token);
    }

    public Reply post(String path, String body, String token) {
        return send("POST", path, body, token);
    }

    public Reply put(String path, String body, String token) {
        return send("PUT", path, body, token);
    }

    public Reply send(String method, String path, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            return new Reply(response.statusCode(), text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The first column of the first row of {@code sql}, read from the server's database (tests use it to check
     * that nothing was stored).
     */
    public long queryLong(String sql) {
        return server.database().read(c -> {
            try (var s = c.prepareStatement(sql); var r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    /** The running server's database, for tests that drive a store directly. */
    public dev.starling.server.storage.Database database() {
        return server.database();
    }

    public int port() {
        return server.port();
    }

    /** The server's data directory (a temporary one, deleted on close): media lives in {@code media/}. */
    public Path dataDir() {
        return config.dataDir();
    }

    /** The running server (for tests that reach past HTTP: its database, its metrics port). */
    public HomeServer homeServer() {
        return server;
    }

    @Override
    public void close() {
        server.close();
        database.close();
        Backend.deleteRecursively(config.dataDir());
    }
}
