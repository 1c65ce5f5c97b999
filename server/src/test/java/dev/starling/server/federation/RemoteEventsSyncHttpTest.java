package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Events another server sends (stored by the inbound pipeline, rooms.RemoteEvents) reach an incremental /sync
 * whose rooms part is read from memory (sync/README.md, "Skipping reads"): B's user, after syncs that found
 * nothing, gets A's messages, a state change and a member event of A's room exactly once, in order.
 */
class RemoteEventsSyncHttpTest {
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2));

    private static void collect(JsonNode sync, String roomId, List<String> seen) {
        for (JsonNode event : sync.path("rooms").path("join").path(roomId).path("timeline").path("events")) {
            String type = event.path("type").asText();
            seen.add(type.equals("m.room.message") ? event.path("content").path("body").asText()
                    : type + "|" + event.path("state_key").asText());
        }
    }

    @OnEveryDatabase
    void eventsFromAnotherServerReachAnIncrementalSync(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, BACKOFF);
                OutboundFedClient b = OutboundFedClient.start(backend, BACKOFF)) {
            ThreeServersClient alice = ThreeServersClient.register(a, "alice");
            ThreeServersClient alice2 = ThreeServersClient.register(a, "alice2");
            ThreeServersClient bob = ThreeServersClient.register(b, "bob");
            String room = alice.ok("POST", MembershipFedClient.V3 + "/createRoom", "{\"preset\":\"public_chat\"}")
                    .json().path("room_id").asText();
            bob.ok("POST", MembershipFedClient.V3 + "/join/" + MembershipFedClient.encode(room) + "?server_name="
                    + MembershipFedClient.encode(a.name().value()), "{}");
            assertThat(ThreeServersClient.await(() -> "join".equals(alice.membershipOf(room, bob.userId())))).isTrue();
            String since = bob.sync(null).path("next_batch").asText();
            since = bob.sync(since).path("next_batch").asText();
            since = bob.sync(since).path("next_batch").asText(); // nothing new: primes the in-memory reads
            String from = since;

            alice.send(room, "a1", "one");
            alice.send(room, "a2", "two");
            alice.setState(room, "m.room.topic", "{\"topic\":\"t\"}");
            alice2.ok("POST", MembershipFedClient.room(room) + "/join", "{}");
            alice.send(room, "a3", "three");
            List<String> expected = List.of("one", "two", "m.room.topic|", "m.room.member|" + alice2.userId(), "three");

            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (seen.size() < expected.size() && System.nanoTime() < deadline) {
                JsonNode sync = bob.ok("GET", MembershipFedClient.V3 + "/sync?timeout=500&since=" + since, null).json();
                collect(sync, room, seen);
                since = sync.path("next_batch").asText();
            }
            assertThat(seen).isEqualTo(expected);
            assertThat(bob.sync(since).path("rooms").path("join").has(room)).isFalse();
            List<String> again = new ArrayList<>(); // the same since once more: all of it, from the window
            collect(bob.sync(from), room, again);
            assertThat(again).isEqualTo(expected);
        }
    }
}
