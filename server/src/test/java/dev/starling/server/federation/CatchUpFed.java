package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.keys.KeysClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Client calls for the catch-up tests (outage, partition) over {@link OutboundFedClient} servers. */
final class CatchUpFed {
    static final String V3 = "/_matrix/client/v3";
    private static final AtomicInteger TXN = new AtomicInteger();

    private CatchUpFed() {}

    static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String room(String roomId) {
        return V3 + "/rooms/" + enc(roomId);
    }

    /** Who {@link #sharedRoom} puts in its room. */
    record SharedRoom(KeysClient.User alice, KeysClient.User bob, String roomId) {}

    /**
     * The start of the two-server tests: alice on {@code a} creates a public v11 room, bob on {@code b} joins it
     * over federation, and alice's first message ("before") has reached bob.
     */
    static SharedRoom sharedRoom(OutboundFedClient a, OutboundFedClient b, Duration wait) {
        KeysClient.User alice = a.register("alice");
        KeysClient.User bob = b.register("bob");
        String roomId = createPublicRoom(a, alice, RoomVersion.V11);
        join(b, bob, roomId, a.name());
        say(a, alice, roomId, "before");
        awaitMessages(wait, List.of("before"), roomId, List.of(b), List.of(bob));
        return new SharedRoom(alice, bob, roomId);
    }

    static String createPublicRoom(OutboundFedClient server, KeysClient.User user, RoomVersion version) {
        OutboundFedClient.Reply reply = server.post(V3 + "/createRoom", "{\"preset\":\"public_chat\",\"room_version\":\""
                + version.id() + "\"}", user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().path("room_id").asText();
    }

    static void join(OutboundFedClient server, KeysClient.User user, String roomId, ServerName via) {
        OutboundFedClient.Reply reply = server.post(V3 + "/join/" + enc(roomId)
                + (via == null ? "" : "?server_name=" + enc(via.value())), "{}", user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
    }

    static String say(OutboundFedClient server, KeysClient.User user, String roomId, String text) {
        OutboundFedClient.Reply reply = server.message(user, roomId, "t" + TXN.incrementAndGet(), text);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().path("event_id").asText();
    }

    static String setState(OutboundFedClient server, KeysClient.User user, String roomId, String type, String stateKey,
            String content) {
        OutboundFedClient.Reply reply = server.put(room(roomId) + "/state/" + type + "/" + enc(stateKey), content,
                user.token());
        assertThat(reply.status()).as(type + " " + reply.json()).isEqualTo(200);
        return reply.json().path("event_id").asText();
    }

    static ObjectNode stateContent(OutboundFedClient server, KeysClient.User user, String roomId, String type) {
        OutboundFedClient.Reply reply = server.get(room(roomId) + "/state/" + type + "/", user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return (ObjectNode) reply.json();
    }

    /** The room's current state as the client API reports it: "type|state_key" → event ID. */
    static Map<String, String> state(OutboundFedClient server, KeysClient.User user, String roomId) {
        OutboundFedClient.Reply reply = server.get(room(roomId) + "/state", user.token());
        Map<String, String> state = new TreeMap<>();
        if (reply.status() != 200) {
            state.put("error", reply.json().toString());
            return state;
        }
        for (JsonNode event : reply.json()) {
            state.put(event.path("type").asText() + "|" + event.path("state_key").asText(),
                    event.path("event_id").asText());
        }
        return state;
    }

    /** The bodies of every message in the room, oldest first, paging /messages backwards from the end. */
    static List<String> messages(OutboundFedClient server, KeysClient.User user, String roomId) {
        List<String> bodies = new ArrayList<>();
        String from = null;
        for (int page = 0; page < 50; page++) {
            OutboundFedClient.Reply reply = server.get(room(roomId) + "/messages?dir=b&limit=100"
                    + (from == null ? "" : "&from=" + enc(from)), user.token());
            assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
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

    /** The bodies of the messages an initial /sync shows for the room (its timeline). */
    static List<String> syncMessages(OutboundFedClient server, KeysClient.User user, String roomId) {
        OutboundFedClient.Reply reply = server.get(V3 + "/sync?timeout=0", user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        List<String> bodies = new ArrayList<>();
        for (JsonNode event : reply.json().path("rooms").path("join").path(roomId).path("timeline").path("events")) {
            if ("m.room.message".equals(event.path("type").asText())) {
                bodies.add(event.path("content").path("body").asText());
            }
        }
        return bodies;
    }

    /** Waits until every server's messages contain all of {@code expected}; asserts it. */
    static void awaitMessages(Duration timeout, List<String> expected, String roomId, List<OutboundFedClient> servers,
            List<KeysClient.User> users) {
        for (int i = 0; i < servers.size(); i++) {
            OutboundFedClient server = servers.get(i);
            KeysClient.User user = users.get(i);
            OutboundFedClient.await(timeout, () -> messages(server, user, roomId).containsAll(expected));
            assertThat(messages(server, user, roomId)).as("messages on " + server.name()).containsAll(expected);
        }
    }

    /** Waits until every server reports the same current state as the first; returns it. */
    static Map<String, String> awaitSameState(Duration timeout, String roomId, List<OutboundFedClient> servers,
            List<KeysClient.User> users) {
        OutboundFedClient.await(timeout, () -> {
            Map<String, String> first = state(servers.get(0), users.get(0), roomId);
            for (int i = 1; i < servers.size(); i++) {
                if (!state(servers.get(i), users.get(i), roomId).equals(first)) {
                    return false;
                }
            }
            return true;
        });
        Map<String, String> first = state(servers.get(0), users.get(0), roomId);
        for (int i = 1; i < servers.size(); i++) {
            assertThat(state(servers.get(i), users.get(i), roomId)).as("state on " + servers.get(i).name())
                    .isEqualTo(first);
        }
        return first;
    }
}
