package dev.starling.server.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import dev.starling.server.storage.TestDatabase;
import dev.starling.server.storage.DatabaseConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * "A send answers 200 only after the event is committed": the homeserver runs in its own process, several
 * clients send messages concurrently, the process is killed with SIGKILL in the middle of that stream, and
 * after a restart on the same storage every message that had been answered with an event ID is there.
 */
@EnabledOnOs(OS.LINUX)
class ServerKillDurabilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V3 = "/_matrix/client/v3";
    private static final int SENDERS = 6;
    private static final int ACKNOWLEDGED_BEFORE_KILL = 150;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A message the server answered with an event ID. */
    record Sent(String token, String roomId, String txnId, String body, String eventId) {}

    @OnEveryDatabase
    void everyAcknowledgedMessageSurvivesASigkill(Backend backend) throws Exception {
        try (TestDatabase database = backend.create()) {
            database.handOver();
            String postgresUrl = database.config() instanceof DatabaseConfig.Postgres pg ? pg.jdbcUrl() : null;
            Path dataDir = dir.resolve("data");
            Path log = dir.resolve("server.log");
            List<String> tokens = new ArrayList<>();
            List<String> rooms = new ArrayList<>();
            ConcurrentLinkedQueue<Sent> acknowledged = new ConcurrentLinkedQueue<>();

            try (ServerProcess server = ServerProcess.start(dataDir, postgresUrl, log)) {
                String base = "http://127.0.0.1:" + server.port();
                for (int i = 0; i < SENDERS; i++) {
                    tokens.add(register(base, "user" + i));
                }
                for (int r = 0; r < 2; r++) {
                    String roomId = call(base, "POST", V3 + "/createRoom", "{\"preset\":\"public_chat\"}", tokens.get(r))
                            .path("room_id").asText();
                    rooms.add(roomId);
                    for (int i = 0; i < SENDERS; i++) {
                        if (i != r) {
                            call(base, "POST", room(roomId) + "/join", "{}", tokens.get(i));
                        }
                    }
                }

                AtomicBoolean stop = new AtomicBoolean();
                try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < SENDERS; i++) {
                        int sender = i;
                        senders.submit(() -> sendUntilStopped(base, tokens.get(sender), rooms.get(sender % 2),
                                "s" + sender, stop, acknowledged));
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (acknowledged.size() < ACKNOWLEDGED_BEFORE_KILL && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    assertThat(acknowledged.size()).as("messages acknowledged before the kill")
                            .isGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);
                    // Mid-stream: the senders are still sending when the process dies.
                    assertThat(server.kill()).as("exit value of a process killed by SIGKILL (128 + 9)").isEqualTo(137);
                    stop.set(true);
                }
            }

            List<Sent> mustExist = List.copyOf(acknowledged);
            try (ServerProcess server = ServerProcess.start(dataDir, postgresUrl, log)) {
                String base = "http://127.0.0.1:" + server.port();
                for (Sent sent : mustExist) {
                    HttpResponse<String> event = request(base, "GET",
                            room(sent.roomId()) + "/event/" + encode(sent.eventId()), null, sent.token());
                    assertThat(event.statusCode()).as("acknowledged event %s after the kill", sent.eventId())
                            .isEqualTo(200);
                    assertThat(JSON.readTree(event.body()).path("content").path("body").asText())
                            .isEqualTo(sent.body());
                }
                Sent last = mustExist.get(mustExist.size() - 1);
                assertThat(send(base, last.token(), last.roomId(), last.txnId(), last.body()).path("event_id").asText())
                        .as("a retried transaction answers the stored event").isEqualTo(last.eventId());
                assertThat(send(base, tokens.get(0), rooms.get(0), "after-restart", "after the restart")
                        .path("event_id").asText()).startsWith("$");
                HttpResponse<String> sync = request(base, "GET", V3 + "/sync?timeout=0", null, tokens.get(0));
                assertThat(sync.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(sync.body()).path("rooms").path("join").has(rooms.get(0))).isTrue();
            }
        }
    }

    private void sendUntilStopped(String base, String token, String roomId, String prefix, AtomicBoolean stop,
            ConcurrentLinkedQueue<Sent> acknowledged) {
        for (int n = 0; !stop.get(); n++) {
            String txnId = prefix + "-" + n;
            String body = "message " + txnId;
            try {
                HttpResponse<String> reply = request(base, "PUT",
                        room(roomId) + "/send/m.room.message/" + txnId, message(body), token);
                if (reply.statusCode() == 200) {
                    acknowledged.add(new Sent(token, roomId, txnId, body, JSON.readTree(reply.body()).path("event_id").asText()));
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                return; // the server is gone: this message was never acknowledged
            }
        }
    }

    private String register(String base, String name) throws IOException, InterruptedException {
        String credentials = "\"username\":\"" + name + "\",\"password\":\"secret-" + name + "\"";
        JsonNode challenge = JSON.readTree(request(base, "POST", V3 + "/register", "{" + credentials + "}", null).body());
        return call(base, "POST", V3 + "/register", "{" + credentials + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\""
                + challenge.path("session").asText() + "\"}}", null).path("access_token").asText();
    }

    private JsonNode send(String base, String token, String roomId, String txnId, String body)
            throws IOException, InterruptedException {
        return call(base, "PUT", room(roomId) + "/send/m.room.message/" + txnId, message(body), token);
    }

    private JsonNode call(String base, String method, String path, String body, String token)
            throws IOException, InterruptedException {
        HttpResponse<String> reply = request(base, method, path, body, token);
        assertThat(reply.statusCode()).as(method + " " + path + ": " + reply.body()).isEqualTo(200);
        return JSON.readTree(reply.body());
    }

    private HttpResponse<String> request(String base, String method, String path, String body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String message(String body) {
        return "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}";
    }

    private static String room(String roomId) {
        return V3 + "/rooms/" + encode(roomId);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
