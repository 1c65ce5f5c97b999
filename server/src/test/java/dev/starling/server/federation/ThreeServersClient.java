package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Client-Server calls for the three-server tests, on top of {@link MembershipFedClient}: any JSON answer
 * (arrays too, for {@code /state}), the room's messages in order, its state as (type, state_key) → event ID,
 * typing, receipts, and waiting for a condition to become true on a server.
 */
final class ThreeServersClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);

    private final OutboundFedClient server;
    private final String userId;
    private final String token;

    private ThreeServersClient(OutboundFedClient server, String userId, String token) {
        this.server = server;
        this.userId = userId;
        this.token = token;
    }

    /** Registers {@code name} on {@code server} with m.login.dummy. */
    static ThreeServersClient register(OutboundFedClient server, String name) {
        var user = server.register(name);
        return new ThreeServersClient(server, user.userId(), user.token());
    }

    String userId() {
        return userId;
    }

    OutboundFedClient server() {
        return server;
    }

    record Answer(int status, JsonNode json) {}

    Answer call(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + server().name() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = FederatingServer.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            return new Answer(response.statusCode(), text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer ok(String method, String path, String body) {
        Answer answer = call(method, path, body);
        assertThat(answer.status()).as(method + " " + path + " → " + answer.json()).isEqualTo(200);
        return answer;
    }

    String send(String roomId, String txn, String text) {
        return ok("PUT", MembershipFedClient.room(roomId) + "/send/m.room.message/" + txn,
                "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}").json().path("event_id").asText();
    }

    String setState(String roomId, String type, String content) {
        return ok("PUT", MembershipFedClient.room(roomId) + "/state/" + type + "/", content).json()
                .path("event_id").asText();
    }

    /** The bodies of the room's m.room.message events, oldest first (/messages backwards, reversed). */
    List<String> messages(String roomId) {
        JsonNode chunk = ok("GET", MembershipFedClient.room(roomId) + "/messages?dir=b&limit=200", null).json()
                .path("chunk");
        List<String> bodies = new ArrayList<>();
        for (JsonNode event : chunk) {
            if (event.path("type").asText().equals("m.room.message")) {
                bodies.add(0, event.path("content").path("body").asText());
            }
        }
        return bodies;
    }

    /** The room's current state as the client sees it: "type|state_key" → event ID. */
    Map<String, String> state(String roomId) {
        JsonNode events = ok("GET", MembershipFedClient.room(roomId) + "/state", null).json();
        Map<String, String> state = new TreeMap<>();
        for (JsonNode event : events) {
            state.put(event.path("type").asText() + "|" + event.path("state_key").asText(),
                    event.path("event_id").asText());
        }
        return state;
    }

    /** The membership of {@code user} in the room as this client's /members says, or null. */
    String membershipOf(String roomId, String user) {
        for (JsonNode event : ok("GET", MembershipFedClient.room(roomId) + "/members", null).json().path("chunk")) {
            if (event.path("state_key").asText().equals(user)) {
                return event.path("content").path("membership").asText();
            }
        }
        return null;
    }

    JsonNode sync(String since) {
        return ok("GET", MembershipFedClient.V3 + "/sync?timeout=0" + (since == null ? "" : "&since=" + since), null)
                .json();
    }

    /** Polls /sync (from the start) until the room's ephemeral events satisfy the predicate. */
    boolean awaitEphemeral(String roomId, Predicate<JsonNode> predicate) {
        return OutboundFedClient.await(WAIT, () -> {
            for (JsonNode event : sync(null).path("rooms").path("join").path(roomId).path("ephemeral").path("events")) {
                if (predicate.test(event)) {
                    return true;
                }
            }
            return false;
        });
    }

    static boolean await(java.util.function.BooleanSupplier condition) {
        return OutboundFedClient.await(WAIT, condition);
    }
}
