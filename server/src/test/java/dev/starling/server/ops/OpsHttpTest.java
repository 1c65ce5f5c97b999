package dev.starling.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.config.ServerConfig;
import dev.starling.server.rooms.RoomClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** /health on the client listener, /metrics on the metrics listener: what they answer, and what they never tell. */
class OpsHttpTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ServerConfig.Metrics METRICS_ON = new ServerConfig.Metrics(true, "127.0.0.1", 0);
    private static final String SEND_ROUTE = "/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}";

    @OnEveryDatabase
    void healthIsOkWithoutATokenWhileTheDatabaseAnswersAnd503WhenItDoesNot(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            HttpResponse<String> ok = get(server.port(), "/health");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("OK");
            assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/plain"));
            assertThat(send(server.port(), "POST", "/health").statusCode()).isEqualTo(405);
            // The Matrix API behind it is untouched.
            assertThat(get(server.port(), "/_matrix/client/versions").statusCode()).isEqualTo(200);

            server.homeServer().database().close();
            HttpResponse<String> down = get(server.port(), "/health");
            assertThat(down.statusCode()).isEqualTo(503);
        }
    }

    @Test
    void metricsAreOffByDefault() {
        try (TestHomeServer server = TestHomeServer.start(Backend.SQLITE, true, List.of())) {
            assertThat(server.homeServer().metricsPort()).isEmpty();
            assertThat(ServerConfig.defaults(java.nio.file.Path.of("d")).metrics())
                    .isEqualTo(new ServerConfig.Metrics(false, "127.0.0.1", 9000));
        }
    }

    @OnEveryDatabase
    void metricsCountRequestsByRouteTemplateAndNeverNameUsersRoomsOrTokens(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of(), METRICS_ON)) {
            int metricsPort = server.homeServer().metricsPort().orElseThrow();
            String token = RoomClient.register(server, "secretive");
            String roomId = RoomClient.createRoom(server, token, "{}");
            assertThat(RoomClient.message(server, token, roomId, "t1", "confidential words").status()).isEqualTo(200);
            assertThat(RoomClient.message(server, token, "!nosuchroom:example.org", "t2", "x").status()).isEqualTo(403);
            server.get("/no/such/path/here", null);

            HttpResponse<String> scrape = get(metricsPort, "/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/plain"));
            String text = scrape.body();
            assertThat(value(text, "starling_http_requests_total{method=\"PUT\",route=\"" + SEND_ROUTE
                    + "\",status=\"2xx\"}"))
                    .isEqualTo(1.0);
            assertThat(value(text, "starling_http_requests_total{method=\"PUT\",route=\"" + SEND_ROUTE
                    + "\",status=\"4xx\"}"))
                    .isEqualTo(1.0);
            assertThat(value(text, "starling_http_requests_total{method=\"GET\",route=\"unrouted\",status=\"4xx\"}"))
                    .isEqualTo(1.0);
            assertThat(value(text, "starling_http_request_duration_seconds_count{route=\"" + SEND_ROUTE + "\"}"))
                    .isEqualTo(2.0);
            // createRoom persists several events, the message one more.
            assertThat(value(text, "starling_events_persisted_total")).isGreaterThanOrEqualTo(6.0);
            assertThat(value(text, "starling_db_transaction_duration_seconds_count{kind=\"write\",outcome=\"commit\"}"))
                    .isGreaterThanOrEqualTo(3.0);
            assertThat(value(text, "starling_db_transaction_duration_seconds_count{kind=\"read\",outcome=\"commit\"}"))
                    .isPositive();
            assertThat(value(text, "starling_http_requests_in_flight")).isEqualTo(0.0);
            assertThat(text).contains("jvm_memory_used_bytes").contains("jvm_threads_current")
                    .contains("jvm_gc_collection_seconds");
            assertThat(text).doesNotContain(roomId).doesNotContain("secretive").doesNotContain(token)
                    .doesNotContain("confidential").doesNotContain("nosuchroom").doesNotContain("/no/such");

            assertThat(get(metricsPort, "/other").statusCode()).isEqualTo(404);
            assertThat(get(metricsPort, "/health").statusCode()).isEqualTo(200);
            // Metrics are not on the client listener.
            assertThat(get(server.port(), "/metrics").statusCode()).isEqualTo(404);
        }
    }

    @OnEveryDatabase
    void aLongPollingSyncIsCountedAsWaitingUntilSomethingArrives(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of(), METRICS_ON)) {
            int metricsPort = server.homeServer().metricsPort().orElseThrow();
            String token = RoomClient.register(server, "waiter");
            String roomId = RoomClient.createRoom(server, token, "{}");
            String since = server.get("/_matrix/client/v3/sync", token).json().path("next_batch").asText();
            CompletableFuture<TestHomeServer.Reply> poll = CompletableFuture.supplyAsync(
                    () -> server.get("/_matrix/client/v3/sync?timeout=20000&since=" + since, token));
            awaitValue(metricsPort, "starling_sync_waiting_requests", 1.0);
            assertThat(value(get(metricsPort, "/metrics").body(), "starling_http_requests_in_flight")).isEqualTo(1.0);

            RoomClient.message(server, token, roomId, "wake", "hello");
            assertThat(poll.get().status()).isEqualTo(200);
            awaitValue(metricsPort, "starling_sync_waiting_requests", 0.0);
        }
    }

    private static void awaitValue(int port, String series, double wanted) throws Exception {
        double last = Double.NaN;
        for (int i = 0; i < 200; i++) {
            last = value(get(port, "/metrics").body(), series);
            if (last == wanted) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(series + " stayed " + last + ", wanted " + wanted);
    }

    /** The value of one series (name and labels exactly as exposed) in a text-format scrape. */
    static double value(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        if (!m.find()) {
            throw new AssertionError("no series " + series + " in:\n" + text.lines()
                    .filter(l -> l.startsWith("starling_")).toList());
        }
        return Double.parseDouble(m.group(1));
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return send(port, "GET", path);
    }

    static HttpResponse<String> send(int port, String method, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
