package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.federation.FedEvents.Remote;
import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Events another server sends (stored by the inbound pipeline, rooms.RemoteEvents) reach an incremental /sync
 * whose rooms part is read from memory (sync/README.md, "Skipping reads"): B's user, after syncs that found
 * nothing, gets A's messages, a state change and a member event of A's room exactly once, in order, with his own
 * sends between them (which B's writer hands to the /sync window, rooms.EventWindows#committed); one of A's
 * own events that comes back over federation after its redaction is served redacted.
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

            // Bob's own sends on B, which B's writer hands to the room's window, interleave with A's events,
            // which reach B by another path: a hand-off must never skip an event stored between.
            alice.send(room, "a1", "one");
            bob.send(room, "b1", "bob one");
            alice.send(room, "a2", "two");
            bob.send(room, "b2", "bob two");
            alice.setState(room, "m.room.topic", "{\"topic\":\"t\"}");
            alice2.ok("POST", MembershipFedClient.room(room) + "/join", "{}");
            alice.send(room, "a3", "three");
            bob.send(room, "b3", "bob three");
            List<String> expected = List.of("one", "two", "m.room.topic|", "m.room.member|" + alice2.userId(), "three");
            List<String> bobs = List.of("bob one", "bob two", "bob three");

            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (seen.size() < expected.size() + bobs.size() && System.nanoTime() < deadline) {
                JsonNode sync = bob.ok("GET", MembershipFedClient.V3 + "/sync?timeout=500&since=" + since, null).json();
                collect(sync, room, seen);
                since = sync.path("next_batch").asText();
            }
            assertThat(seen.stream().filter(e -> !bobs.contains(e)).toList()).isEqualTo(expected);
            assertThat(seen.stream().filter(bobs::contains).toList()).isEqualTo(bobs);
            assertThat(seen.stream().filter(e -> !e.contains("|")).toList()).as("B's order, as /messages reads it")
                    .isEqualTo(bob.messages(room).subList(bob.messages(room).size() - 6, bob.messages(room).size()));
            assertThat(bob.sync(since).path("rooms").path("join").has(room)).isFalse();
            List<String> again = new ArrayList<>(); // the same since once more: all of it, from the window
            collect(bob.sync(from), room, again);
            assertThat(again).isEqualTo(seen);
        }
    }

    /**
     * One of our own events that we do not hold (as after restoring an old backup) comes back over federation
     * after its redaction did, and after a restart, so this process never saw the redaction stored: an
     * incremental /sync, /messages and /event serve it redacted. (rooms.RemoteEvents#persist marks our own
     * returning events as named; without it rooms.ServedEvents#unnamed serves the event without looking for
     * redactions.)
     */
    @OnEveryDatabase
    void oneOfOurEventsComingBackAfterItsRedactionIsServedRedacted(Backend backend) {
        RoomVersion version = RoomVersion.V11;
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            Remote remote = Remote.of(b);
            Remote ours = Remote.of(a);
            String token = FedEvents.register(a, "alice");
            String alice = ours.user("alice");
            String roomId = FedEvents.createPublicRoom(a, token, version);
            ObjectNode join = FedEvents.join(a, remote, version, roomId, remote.user("bob"));
            accepted(FedEvents.transaction(remote, a, "join", List.of(join), List.of()), FedEvents.id(join, version));

            // Alice's message, signed with our key but not stored here, and her redaction of it.
            ObjectNode lost = FedEvents.message(a, ours, version, roomId, alice, "words from before the backup");
            String lostId = FedEvents.id(lost, version);
            ObjectNode redaction = FedEvents.pdu(ours, version, roomId, alice, "m.room.redaction", null,
                    FedEvents.content("{\"redacts\":\"" + lostId + "\"}"), FedEvents.extremities(a, roomId),
                    FedEvents.auth(a, version, roomId, alice, false), FedEvents.maxDepth(a, roomId) + 1);
            accepted(FedEvents.transaction(remote, a, "redaction", List.of(redaction), List.of()),
                    FedEvents.id(redaction, version));
            assertThat(FedEvents.stored(a, lostId)).isEqualTo("absent");

            a.restart();
            String since = FedEvents.client(a, "GET", FedEvents.V3 + "/sync", null, token).json()
                    .path("next_batch").asText();
            accepted(FedEvents.transaction(remote, a, "lost", List.of(lost), List.of()), lostId);
            assertThat(FedEvents.stored(a, lostId)).isEqualTo("timeline");

            JsonNode sync = FedEvents.client(a, "GET", FedEvents.V3 + "/sync?since=" + since, null, token).json();
            JsonNode served = null;
            for (JsonNode event : sync.path("rooms").path("join").path(roomId).path("timeline").path("events")) {
                if (event.path("event_id").asText().equals(lostId)) {
                    served = event;
                }
            }
            assertThat(served).as(sync.toString()).isNotNull();
            assertThat(served.path("content").size()).as(served.toString()).isZero();
            assertThat(served.path("unsigned").path("redacted_because").path("event_id").asText())
                    .isEqualTo(FedEvents.id(redaction, version));
            String room = FedEvents.V3 + "/rooms/" + FedEvents.path(roomId);
            assertThat(FedEvents.client(a, "GET", room + "/event/" + FedEvents.path(lostId), null, token).json()
                    .path("content").has("body")).isFalse();
            assertThat(FedEvents.client(a, "GET", room + "/messages?dir=b&limit=50", null, token).json().toString())
                    .doesNotContain("words from before the backup");
        }
    }

    private static void accepted(FederatingServer.Reply reply, String eventId) {
        assertThat(reply.status()).as(String.valueOf(reply.json())).isEqualTo(200);
        assertThat(reply.json().path("pdus").path(eventId).has("error")).as(reply.json().toString()).isFalse();
    }
}
