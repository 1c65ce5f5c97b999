package dev.starling.server.federation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.HomeServer;
import dev.starling.server.config.ServerConfig;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.TestDatabase;
import dev.starling.server.users.PasswordHasher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A whole homeserver named {@code 127.0.0.1:<port>} on loopback, federating over plain HTTP with loopback
 * allow-listed: two of them can fetch each other's keys through the real client.
 */
final class FederatingServer implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private final TestDatabase database;
    private final SigningKey key;
    private final ServerName name;
    private final ServerConfig config;
    private final HomeServer.Tuning tuning;
    private final InboundEdus edus;
    private HomeServer server;

    private FederatingServer(TestDatabase database, SigningKey key, ServerConfig config, HomeServer.Tuning tuning,
            InboundEdus edus, HomeServer server) {
        this.database = database;
        this.key = key;
        this.name = config.serverName();
        this.config = config;
        this.tuning = tuning;
        this.edus = edus;
        this.server = server;
    }

    static FederatingServer start(Backend backend) {
        return start(backend, FederationConfig.loopbackForTests());
    }

    static FederatingServer start(Backend backend, FederationConfig federation) {
        return start(backend, federation, null);
    }

    /** A server whose inbound EDUs all go to {@code edus} instead of the real handlers. */
    static FederatingServer start(Backend backend, InboundEdus edus) {
        return start(backend, FederationConfig.loopbackForTests(), edus);
    }

    /** {@code edus} null: the server's own handlers. */
    private static FederatingServer start(Backend backend, FederationConfig federation, InboundEdus edus) {
        TestDatabase database = backend.create();
        database.handOver();
        try {
            int port = freePort();
            ServerName name = ServerName.parse("127.0.0.1:" + port);
            Path dataDir = Files.createTempDirectory("starling-fed-");
            ServerConfig config = new ServerConfig(name, dataDir, "127.0.0.1", port, "http://" + name, true, List.of(),
                    new ServerConfig.Database(ServerConfig.Database.Kind.SQLITE, "", "", ""),
                    ServerConfig.DEFAULT_MAX_UPLOAD_SIZE, ServerConfig.Metrics.disabled(), federation);
            SigningKey key = SigningKey.generate(KeyId.ed25519("k" + port));
            HomeServer.Tuning tuning = new HomeServer.Tuning(new PasswordHasher.Cost(64, 1, 1), Map.of());
            HomeServer server = HomeServer.start(config, database.config(), tuning, key, edus);
            return new FederatingServer(database, key, config, tuning, edus, server);
        } catch (IOException e) {
            database.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    ServerName name() {
        return name;
    }

    SigningKey key() {
        return key;
    }

    HomeServer server() {
        return server;
    }

    /** Stops the server and starts it again on the same port, database and key, as a restart of the process does. */
    void restart() {
        server.close();
        server = HomeServer.start(config, database.config(), tuning, key, edus);
    }

    Federation federation() {
        return server.federation();
    }

    TestDatabase database() {
        return database;
    }

    long count(String sql) {
        return server.database().read(c -> {
            try (var s = c.createStatement(); var r = s.executeQuery(sql)) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    /** A plain HTTP exchange with this server: status and JSON body (null when not JSON). */
    record Reply(int status, ObjectNode json) {
        String errcode() {
            return json == null ? null : json.path("errcode").asText(null);
        }
    }

    Reply send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + name + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            ObjectNode json = null;
            try {
                json = CanonicalJson.parseObject(response.body());
            } catch (RuntimeException notJson) {
                // leave null
            }
            return new Reply(response.statusCode(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            database.close();
            Backend.deleteRecursively(config.dataDir());
        }
    }
}
