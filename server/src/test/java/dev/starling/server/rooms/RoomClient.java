package dev.starling.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Shared steps of the room HTTP tests: registering users, creating rooms, sending, reading state. */
public final class RoomClient {
    public static final String V3 = "/_matrix/client/v3";

    private RoomClient() {}

    /** Registers {@code name} through the m.login.dummy flow and returns the access token. */
    public static String register(TestHomeServer server, String name) {
        Reply done = server.register(name, "pw");
        assertThat(done.status()).as(done.json().toString()).isEqualTo(200);
        return done.json().path("access_token").asText();
    }

    public static String createRoom(TestHomeServer server, String token, String body) {
        Reply reply = server.post(V3 + "/createRoom", body, token);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().path("room_id").asText();
    }

    public static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public static String room(String roomId) {
        return V3 + "/rooms/" + path(roomId);
    }

    public static Reply send(TestHomeServer server, String token, String roomId, String txnId, String body) {
        return server.put(room(roomId) + "/send/m.room.message/" + path(txnId), body, token);
    }

    public static Reply message(TestHomeServer server, String token, String roomId, String txnId, String text) {
        return send(server, token, roomId, txnId, "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}");
    }

    public static Reply state(TestHomeServer server, String token, String roomId) {
        return server.get(room(roomId) + "/state", token);
    }

    public static Reply membership(TestHomeServer server, String token, String roomId, String action, String userId) {
        return server.post(room(roomId) + "/" + action, userId == null ? "{}" : "{\"user_id\":\"" + userId + "\"}", token);
    }

    /** The state event of {@code type} and {@code stateKey} in a GET /state answer, or a missing node. */
    public static JsonNode stateEvent(JsonNode state, String type, String stateKey) {
        for (JsonNode event : state) {
            if (event.path("type").asText().equals(type) && event.path("state_key").asText().equals(stateKey)) {
                return event;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
