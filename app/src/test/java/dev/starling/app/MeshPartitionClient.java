package dev.starling.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The Client-Server API calls of the mesh partition tests, over plain {@code java.net.http} against one node's
 * API on 127.0.0.1 (the server module's test helpers are not published as a test jar).
 */
final class MeshPartitionClient {
    static final String V3 = "/_matrix/client/v3";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger TXN = new AtomicInteger();

    /** A registered user and the node whose API they use. */
    record User(String userId, String token, int port) {}

    /** An HTTP answer: status and JSON body (a JSON null when the body was empty or not JSON). */
    record Reply(int status, JsonNode json) {}

    private MeshPartitionClient() {}

    static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String room(String roomId) {
        return V3 + "/rooms/" + enc(roomId);
    }

    /** Registers {@code name} on the node with API port {@code port} (the m.login.dummy UIA stage). */
    static User register(int port, String name) {
        String credentials = "\"username\":\"" + name + "\",\"password\":\"partition-" + name + "\"";
        Reply challenge = send(port, "POST", V3 + "/register", "{" + credentials + "}", null);
        assertThat(challenge.status()).as(challenge.json().toString()).isEqualTo(401);
        String session = challenge.json().path("session").asText();
        Reply reply = send(port, "POST", V3 + "/register", "{" + credentials
                + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}", null);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return new User(reply.json().path("user_id").asText(), reply.json().path("access_token").asText(), port);
    }

    static String createPublicRoom(User user, String version) {
        Reply reply = send(user.port(), "POST", V3 + "/createRoom", "{\"preset\":\"public_chat\",\"room_version\":\""
                + version + "\"}", user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().path("room_id").asText();
    }

    /** Joins {@code roomId}, over the mesh through {@code via} when it is not null. */
    static void join(User user, String roomId, String via) {
        Reply reply = send(user.port(), "POST", V3 + "/join/" + enc(roomId)
                + (via == null ? "" : "?server_name=" + enc(via)), "{}", user.token());
        assertThat(reply.status()).as(user.userId() + " joins: " + reply.json()).isEqualTo(200);
    }

    static String say(User user, String roomId, String text) {
        Reply reply = send(user.port(), "PUT", room(roomId) + "/send/m.room.message/t" + TXN.incrementAndGet(),
                "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}", user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().path("event_id").asText();
    }

    static String setState(User user, String roomId, String type, String stateKey, String content) {
        Reply reply = send(user.port(), "PUT", room(roomId) + "/state/" + type + "/" + enc(stateKey), content,
                user.token());
        assertThat(reply.status()).as(user.userId() + " " + type + " " + reply.json()).isEqualTo(200);
        return reply.json().path("event_id").asText();
    }

    static String ban(User user, String roomId, String target) {
        Reply reply = send(user.port(), "POST", room(roomId) + "/ban", "{\"user_id\":\"" + target + "\"}",
                user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return target;
    }

    static ObjectNode stateContent(User user, String roomId, String type) {
        Reply reply = send(user.port(), "GET", room(roomId) + "/state/" + type + "/", null, user.token());
        assertThat(reply.status()).as(type + " " + reply.json()).isEqualTo(200);
        return (ObjectNode) reply.json();
    }

    /** {@code member}'s membership as {@code viewer}'s node reports it ("none 404" when it has none). */
    static String membership(User viewer, String roomId, String member) {
        Reply reply = send(viewer.port(), "GET", room(roomId) + "/state/m.room.member/" + enc(member), null,
                viewer.token());
        return reply.status() == 200 ? reply.json().path("membership").asText() : "none " + reply.status();
    }

    /** The room's current state as the node reports it: "type|state_key" → "event_id content". */
    static Map<String, String> state(User user, String roomId) {
        Reply reply = send(user.port(), "GET", room(roomId) + "/state", null, user.token());
        Map<String, String> state = new TreeMap<>();
        if (reply.status() != 200) {
            state.put("error", String.valueOf(reply.json()));
            return state;
        }
        for (JsonNode event : reply.json()) {
            state.put(event.path("type").asText() + "|" + event.path("state_key").asText(),
                    event.path("event_id").asText() + " " + event.path("content"));
        }
        return state;
    }

    /** The bodies of every message in the room, oldest first, paging /messages backwards from the end. */
    static List<String> messages(User user, String roomId) {
        List<String> bodies = new ArrayList<>();
        String from = null;
        for (int page = 0; page < 50; page++) {
            Reply reply = send(user.port(), "GET", room(roomId) + "/messages?dir=b&limit=100"
                    + (from == null ? "" : "&from=" + enc(from)), null, user.token());
            if (reply.status() != 200) {
                return bodies;
            }
            JsonNode chunk = reply.json().path("chunk");
            for (JsonNode event : chunk) {
                if ("m.room.message".equals(event.path("type").asText())) {
                    bodies.add(0, event.path("content").path("body").asText());
                }
            }
            if (chunk.isEmpty() || !reply.json().hasNonNull("end")) {
                break;
            }
            from = reply.json().path("end").asText();
        }
        return bodies;
    }

    /** True when every viewer's node reports the same current state of the room. */
    static boolean sameState(String roomId, List<User> viewers) {
        Map<String, String> first = state(viewers.get(0), roomId);
        for (int i = 1; i < viewers.size(); i++) {
            if (!state(viewers.get(i), roomId).equals(first)) {
                return false;
            }
        }
        return !first.containsKey("error");
    }

    static boolean allSee(String roomId, List<User> viewers, List<String> bodies) {
        for (User viewer : viewers) {
            if (!messages(viewer, roomId).containsAll(bodies)) {
                return false;
            }
        }
        return true;
    }

    /** Polls {@code condition} every 100 ms until it holds or {@code timeout} passes; returns whether it held. */
    static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    /** One request; a 429 is waited out and retried (the nodes run with the default rate limits). */
    static Reply send(int port, String method, String path, String body, String token) {
        for (int attempt = 0; ; attempt++) {
            Reply reply = sendOnce(port, method, path, body, token);
            if (reply.status() != 429 || attempt >= 20) {
                return reply;
            }
            long wait = Math.max(100, reply.json().path("retry_after_ms").asLong(500));
            try {
                Thread.sleep(Math.min(wait, 5000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return reply;
            }
        }
    }

    private static Reply sendOnce(int port, String method, String path, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
            } catch (IOException e) {
                json = JSON.getNodeFactory().textNode(response.body());
            }
            return new Reply(response.statusCode(), json);
        } catch (IOException e) {
            return new Reply(0, JSON.getNodeFactory().textNode(e.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(0, JSON.getNodeFactory().textNode(e.toString()));
        }
    }
}
