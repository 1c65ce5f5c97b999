package dev.starling.server;

import static dev.starling.server.rooms.RoomClient.V3;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.rooms.RoomClient;
import java.util.ArrayList;
import java.util.List;

/** Shared steps of the side-channel tests (typing, receipts, account data, push, filters): syncs and their parts. */
public final class SideChannels {
    private SideChannels() {}

    /** A /sync that must succeed; {@code query} starts with {@code ?} or is empty. */
    public static JsonNode sync(TestHomeServer server, String token, String query) {
        Reply reply = server.get(V3 + "/sync" + query, token);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json();
    }

    public static String since(JsonNode sync) {
        return "?since=" + sync.path("next_batch").asText();
    }

    /** The events of {@code rooms.join.<roomId>.<section>.events}. */
    public static List<JsonNode> roomEvents(JsonNode sync, String roomId, String section) {
        List<JsonNode> events = new ArrayList<>();
        sync.path("rooms").path("join").path(roomId).path(section).path("events").forEach(events::add);
        return events;
    }

    /** The events of one type among {@code events}. */
    public static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    /** The global {@code account_data.events} of one type. */
    public static List<JsonNode> accountData(JsonNode sync, String type) {
        List<JsonNode> events = new ArrayList<>();
        sync.path("account_data").path("events").forEach(events::add);
        return ofType(events, type);
    }

    /** Alice's and Bob's tokens and a room both are joined to. */
    public record Pair(String alice, String bob, String roomId) {}

    public static Pair pair(TestHomeServer server, String preset) {
        String alice = RoomClient.register(server, "alice");
        String bob = RoomClient.register(server, "bob");
        String roomId = RoomClient.createRoom(server, alice, "{\"preset\":\"" + preset + "\"}");
        assertThat(RoomClient.membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
        return new Pair(alice, bob, roomId);
    }

    /** Sends a text message and returns its event ID. */
    public static String message(TestHomeServer server, String token, String roomId, String txn, String body) {
        Reply reply = RoomClient.message(server, token, roomId, txn, body);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().path("event_id").asText();
    }
}
