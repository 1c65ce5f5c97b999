package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * A user of any homeserver (Starling or Synapse) driven over the Client-Server API by its base URL: for interop
 * tests, where the same calls must work on both sides.
 */
final class InteropUser {
    static final String V3 = "/_matrix/client/v3";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    record Reply(int status, JsonNode json) {}

    private final String baseUrl;
    private final String userId;
    private final String token;

    private InteropUser(String baseUrl, String userId, String token) {
        this.baseUrl = baseUrl;
        this.userId = userId;
        this.token = token;
    }

    /** Registers {@code name} with the m.login.dummy flow (a first request for the session, then the auth). */
    static InteropUser register(String baseUrl, String name) {
        String credentials = "\"username\":\"" + name + "\",\"password\":\"interop-password\"";
        Reply challenge = send(baseUrl, null, "POST", V3 + "/register", "{" + credentials + "}");
        String session = challenge.json().path("session").asText();
        Reply done = send(baseUrl, null, "POST", V3 + "/register", "{" + credentials
                + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}");
        assertThat(done.status()).as("register on " + baseUrl + ": " + done.json()).isEqualTo(200);
        return new InteropUser(baseUrl, done.json().path("user_id").asText(), done.json().path("access_token").asText());
    }

    String userId() {
        return userId;
    }

    Reply call(String method, String path, String body) {
        return send(baseUrl, token, method, path, body);
    }

    /** The call, which must answer 200. */
    JsonNode ok(String method, String path, String body) {
        Reply reply = call(method, path, body);
        assertThat(reply.status()).as(method + " " + path + " on " + baseUrl + ": " + reply.json()).isEqualTo(200);
        return reply.json();
    }

    String createRoom(String body) {
        return ok("POST", V3 + "/createRoom", body).path("room_id").asText();
    }

    void invite(String roomId, String user) {
        ok("POST", room(roomId) + "/invite", "{\"user_id\":\"" + user + "\"}");
    }

    void join(String roomIdOrAlias, String via) {
        ok("POST", V3 + "/join/" + encode(roomIdOrAlias) + (via == null ? "" : "?server_name=" + encode(via)), "{}");
    }

    void leave(String roomId) {
        ok("POST", room(roomId) + "/leave", "{}");
    }

    String send(String roomId, String text) {
        return ok("PUT", room(roomId) + "/send/m.room.message/t" + System.nanoTime(),
                "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}").path("event_id").asText();
    }

    void setTopic(String roomId, String topic) {
        ok("PUT", room(roomId) + "/state/m.room.topic/", "{\"topic\":\"" + topic + "\"}");
    }

    /** The room's current topic as this user's server has it, or null. */
    String topic(String roomId) {
        Reply reply = call("GET", room(roomId) + "/state/m.room.topic/", null);
        return reply.status() == 200 ? reply.json().path("topic").asText(null) : null;
    }

    /** The member's membership in this user's server's current state of the room, or null. */
    String membership(String roomId, String member) {
        Reply reply = call("GET", room(roomId) + "/state/m.room.member/" + encode(member), null);
        return reply.status() == 200 ? reply.json().path("membership").asText(null) : null;
    }

    /** Whether the latest 50 events of the room (GET /messages, backwards) hold an m.room.message with {@code body}. */
    boolean seesMessage(String roomId, String body) {
        Reply reply = call("GET", room(roomId) + "/messages?dir=b&limit=50", null);
        if (reply.status() != 200) {
            return false;
        }
        for (JsonNode event : reply.json().path("chunk")) {
            if (event.path("type").asText().equals("m.room.message") && event.path("content").path("body").asText()
                    .equals(body)) {
                return true;
            }
        }
        return false;
    }

    /** Whether /sync (a full one) shows the room under {@code rooms.invite}. */
    boolean invitedTo(String roomId) {
        Reply reply = call("GET", V3 + "/sync?timeout=0", null);
        return reply.status() == 200 && reply.json().path("rooms").path("invite").has(roomId);
    }

    /** Polls {@code condition} until it holds, for at most 30 s; fails with {@code what} otherwise. */
    static <T> void await(String what, T subject, Predicate<T> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.test(subject)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting: " + what);
            }
        }
    }

    static String room(String roomId) {
        return V3 + "/rooms/" + encode(roomId);
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Reply send(String baseUrl, String token, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json;
            try {
                json = JSON.readTree(response.body());
            } catch (IOException notJson) {
                json = JSON.createObjectNode().put("raw", new String(response.body(), StandardCharsets.UTF_8));
            }
            return new Reply(response.statusCode(), json == null ? JSON.createObjectNode() : json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
