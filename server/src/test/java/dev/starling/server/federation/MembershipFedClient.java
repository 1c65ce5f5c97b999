package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Client-Server calls on a {@link FederatingServer} for the membership-across-servers tests: a user with an
 * access token, creating rooms, joining, inviting, leaving, /sync and member lists.
 */
final class MembershipFedClient {
    static final String V3 = "/_matrix/client/v3";

    private final FederatingServer server;
    private final String userId;
    private final String token;

    private MembershipFedClient(FederatingServer server, String userId, String token) {
        this.server = server;
        this.userId = userId;
        this.token = token;
    }

    /** Registers {@code name} on {@code server} with m.login.dummy. */
    static MembershipFedClient register(FederatingServer server, String name) {
        String credentials = "\"username\":\"" + name + "\",\"password\":\"pw\"";
        FederatingServer.Reply challenge = server.send("POST", V3 + "/register", "{" + credentials + "}", Map.of());
        String session = challenge.json().path("session").asText();
        FederatingServer.Reply done = server.send("POST", V3 + "/register", "{" + credentials
                + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}", Map.of());
        assertThat(done.status()).as(String.valueOf(done.json())).isEqualTo(200);
        return new MembershipFedClient(server, done.json().path("user_id").asText(),
                done.json().path("access_token").asText());
    }

    String userId() {
        return userId;
    }

    FederatingServer server() {
        return server;
    }

    FederatingServer.Reply call(String method, String path, String body) {
        return server.send(method, path, body, Map.of("Authorization", "Bearer " + token));
    }

    String createRoom(String body) {
        FederatingServer.Reply reply = call("POST", V3 + "/createRoom", body);
        assertThat(reply.status()).as(String.valueOf(reply.json())).isEqualTo(200);
        return reply.json().path("room_id").asText();
    }

    /** POST /join/{roomId}?server_name=… */
    FederatingServer.Reply join(String roomId, ServerName via) {
        return call("POST", V3 + "/join/" + encode(roomId) + (via == null ? "" : "?server_name=" + encode(via.value())),
                "{}");
    }

    FederatingServer.Reply invite(String roomId, String user) {
        return call("POST", room(roomId) + "/invite", "{\"user_id\":\"" + user + "\"}");
    }

    FederatingServer.Reply leave(String roomId) {
        return call("POST", room(roomId) + "/leave", "{}");
    }

    FederatingServer.Reply message(String roomId, String txn, String text) {
        return call("PUT", room(roomId) + "/send/m.room.message/" + txn, "{\"msgtype\":\"m.text\",\"body\":\"" + text
                + "\"}");
    }

    ObjectNode sync() {
        FederatingServer.Reply reply = call("GET", V3 + "/sync?timeout=0", null);
        assertThat(reply.status()).as(String.valueOf(reply.json())).isEqualTo(200);
        return reply.json();
    }

    /** The membership of {@code user} in the room as this client's /members says, or null. */
    String membershipOf(String roomId, String user) {
        FederatingServer.Reply reply = call("GET", room(roomId) + "/members", null);
        assertThat(reply.status()).as(String.valueOf(reply.json())).isEqualTo(200);
        for (JsonNode event : reply.json().path("chunk")) {
            if (event.path("state_key").asText().equals(user)) {
                return event.path("content").path("membership").asText();
            }
        }
        return null;
    }

    static String room(String roomId) {
        return V3 + "/rooms/" + encode(roomId);
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
