package dev.starling.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

/** The few Client-Server API calls the load needs, over one JDK HTTP client (HTTP/1.1, keep-alive). */
final class Client {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String V3 = "/_matrix/client/v3";

    /** A registered user: its ID and access token. */
    record User(String userId, String token) {}

    /** An answer: status and body. */
    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }
    }

    private final String base;
    private final HttpClient http;

    Client(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The server's base URL, {@code http://host:port}. */
    String baseUrl() {
        return base;
    }

    /** Registers through user-interactive auth with m.login.dummy (the server must allow registration). */
    User register(String name) throws IOException, InterruptedException {
        String credentials = "\"username\":\"" + name + "\",\"password\":\"loadgen-" + name + "\"";
        Reply challenge = call("POST", V3 + "/register", "{" + credentials + "}", null, Duration.ofSeconds(60));
        String session = challenge.json().path("session").asText();
        Reply done = ok(call("POST", V3 + "/register", "{" + credentials + ",\"auth\":{\"type\":\"m.login.dummy\","
                + "\"session\":\"" + session + "\"}}", null, Duration.ofSeconds(60)), "register " + name);
        JsonNode json = done.json();
        return new User(json.path("user_id").asText(), json.path("access_token").asText());
    }

    String createRoom(User creator) throws IOException, InterruptedException {
        return ok(call("POST", V3 + "/createRoom", "{\"preset\":\"public_chat\"}", creator.token(), Duration.ofSeconds(60)),
                "createRoom").json().path("room_id").asText();
    }

    void join(User user, String roomId) throws IOException, InterruptedException {
        ok(call("POST", room(roomId) + "/join", "{}", user.token(), Duration.ofSeconds(60)), "join");
    }

    /** Sends an m.room.message with {@code content} (a JSON object) and returns the answer. */
    Reply send(User user, String roomId, String txnId, String content) throws IOException, InterruptedException {
        return call("PUT", room(roomId) + "/send/m.room.message/" + txnId, content, user.token(), Duration.ofSeconds(60));
    }

    /** A /sync: the first one without {@code since} (null) and timeout 0, later ones long-polling. */
    Reply sync(User user, String since, long timeoutMs, String filter) throws IOException, InterruptedException {
        StringBuilder path = new StringBuilder(V3 + "/sync?timeout=" + timeoutMs);
        if (since != null) {
            path.append("&since=").append(encode(since));
        }
        if (filter != null) {
            path.append("&filter=").append(encode(filter));
        }
        return call("GET", path.toString(), null, user.token(), Duration.ofMillis(timeoutMs + 60_000));
    }

    Reply call(String method, String path, String body, String token, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }

    private static Reply ok(Reply reply, String what) {
        if (reply.status() != 200) {
            throw new IllegalStateException(what + ": HTTP " + reply.status() + " " + reply.body());
        }
        return reply;
    }

    private static String room(String roomId) {
        return V3 + "/rooms/" + encode(roomId);
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
