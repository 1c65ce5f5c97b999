package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.HomeServer;
import dev.starling.server.config.ServerConfig;
import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.http.Rate;
import dev.starling.server.http.RateLimit;
import dev.starling.server.keys.KeysClient;
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
import java.util.function.BooleanSupplier;

/**
 * A whole federating homeserver named {@code 127.0.0.1:<port>} (as {@link FederatingServer}) that can be stopped
 * and started again on the same database, port and key, with a chosen sender backoff; plus the client calls the
 * outbound-federation tests need.
 */
final class OutboundFedClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestDatabase database;
    private final SigningKey key;
    private final ServerName name;
    private final ServerConfig config;
    private final HomeServer.Tuning tuning;
    private HomeServer server;

    private OutboundFedClient(TestDatabase database, SigningKey key, ServerName name, ServerConfig config,
            HomeServer.Tuning tuning) {
        this.database = database;
        this.key = key;
        this.name = name;
        this.config = config;
        this.tuning = tuning;
    }

    static OutboundFedClient start(Backend backend, Backoff backoff) {
        TestDatabase database = backend.create();
        database.handOver();
        try {
            int port = FederatingServer.freePort();
            ServerName name = ServerName.parse("127.0.0.1:" + port);
            Path dataDir = Files.createTempDirectory("starling-fedout-");
            ServerConfig config = new ServerConfig(name, dataDir, "127.0.0.1", port, "http://" + name, true, List.of(),
                    new ServerConfig.Database(ServerConfig.Database.Kind.SQLITE, "", "", ""),
                    ServerConfig.DEFAULT_MAX_UPLOAD_SIZE, ServerConfig.Metrics.disabled(),
                    FederationConfig.loopbackForTests());
            Map<RateLimit, Rate> generous = new EnumMap<>(RateLimit.class);
            for (RateLimit limit : RateLimit.values()) {
                generous.put(limit, new Rate(1000, 1000));
            }
            OutboundFedClient out = new OutboundFedClient(database, SigningKey.generate(KeyId.ed25519("k" + port)),
                    name, config, new HomeServer.Tuning(new PasswordHasher.Cost(64, 1, 1), generous, backoff));
            out.startServer();
            return out;
        } catch (IOException e) {
            database.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    private void startServer() {
        server = HomeServer.start(config, database.config(), tuning, key);
    }

    /** Stops the server (its port then refuses connections); {@link #startAgain()} brings it back. */
    void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    void startAgain() {
        startServer();
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

    long count(String sql) {
        return server.database().read(c -> {
            try (var s = c.createStatement(); var r = s.executeQuery(sql)) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    record Reply(int status, JsonNode json) {
        String errcode() {
            return json.path("errcode").asText(null);
        }
    }

    Reply send(String method, String path, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + name + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            return new Reply(response.statusCode(), text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply get(String path, String token) {
        return send("GET", path, null, token);
    }

    Reply post(String path, String body, String token) {
        return send("POST", path, body, token);
    }

    Reply put(String path, String body, String token) {
        return send("PUT", path, body, token);
    }

    /** Registers with m.login.dummy; the user with a device key (as {@link KeysClient} makes them). */
    KeysClient.User register(String username) {
        String credentials = "\"username\":\"" + username + "\",\"password\":\"pw\"";
        Reply challenge = post("/_matrix/client/v3/register", "{" + credentials + "}", null);
        assertThat(challenge.status()).isEqualTo(401);
        Reply done = post("/_matrix/client/v3/register", "{" + credentials
                + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + challenge.json().path("session").asText()
                + "\"}}", null);
        assertThat(done.status()).as(done.json().toString()).isEqualTo(200);
        String deviceId = done.json().path("device_id").asText();
        return new KeysClient.User(done.json().path("access_token").asText(), done.json().path("user_id").asText(),
                deviceId, SigningKey.generate(KeyId.ed25519(deviceId)));
    }

    String createRoom(KeysClient.User user) {
        Reply reply = post("/_matrix/client/v3/createRoom", "{}", user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().path("room_id").asText();
    }

    Reply message(KeysClient.User user, String roomId, String txnId, String text) {
        return put("/_matrix/client/v3/rooms/" + roomId + "/send/m.room.message/" + txnId,
                "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}", user.token());
    }

    /**
     * Test-only: makes a remote user a joined member in the room's current state (until remote joins exist in
     * this branch, this is how a room comes to span two servers). The row points at an existing event of the room.
     */
    void addRemoteMember(String roomId, String userId) {
        // the room's earlier events are not for the new member's server: let the sender pass them first
        assertThat(await(Duration.ofSeconds(10), () -> count("SELECT position FROM federation_outbound_cursors"
                + " WHERE name = 'pdus'") >= count("SELECT position FROM stream_position"))).isTrue();
        server.database().inTransaction(c -> {
            String eventId;
            try (var s = c.prepareStatement("SELECT event_id FROM events WHERE room_id = ? ORDER BY stream_ordering LIMIT 1")) {
                s.setString(1, roomId);
                try (var r = s.executeQuery()) {
                    r.next();
                    eventId = r.getString(1);
                }
            }
            try (var s = c.prepareStatement("INSERT INTO current_state (room_id, type, state_key, event_id, membership)"
                    + " VALUES (?, 'm.room.member', ?, ?, 'join')")) {
                s.setString(1, roomId);
                s.setString(2, UserId.parse(userId).value());
                s.setString(3, eventId);
                s.executeUpdate();
            }
            return null;
        });
    }

    /** Uploads the user's device keys, {@code count} one-time keys and optionally a fallback key; asserts 200. */
    void uploadKeys(KeysClient.User user, int count, boolean fallback) {
        var body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        body.set("device_keys", KeysClient.deviceKeys(user));
        var otks = body.putObject("one_time_keys");
        for (int i = 0; i < count; i++) {
            otks.set("signed_curve25519:AAAA" + i, KeysClient.signedKey(user, "otk" + i, false));
        }
        if (fallback) {
            body.putObject("fallback_keys").set("signed_curve25519:FB", KeysClient.signedKey(user, "fallback", true));
        }
        Reply reply = post("/_matrix/client/v3/keys/upload", body.toString(), user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
    }

    /** Waits up to {@code timeout} for the condition. */
    static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            database.close();
            Backend.deleteRecursively(config.dataDir());
        }
    }
}
