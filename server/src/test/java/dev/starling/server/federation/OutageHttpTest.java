package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.keys.KeysClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issue 4, acceptance 2: three servers share a room; B is stopped while A and C keep chatting (30 messages and a
 * topic change); B restarts on the same data and port. A's and C's queues kept the events for B (durable); they
 * are flushed at once because B announces itself on start (the backoff here is a minute, far longer than the
 * test waits); B fills the gaps between the two servers' events itself. B's users then see every message (the
 * newest in /sync, all of them through /messages) and B reports the same current state as A and C.
 */
class OutageHttpTest {
    /** Long enough that only B's announcement (not a retry) can bring the queued events over in time. */
    private static final Backoff MINUTE = new Backoff(Duration.ofSeconds(60), Duration.ofMinutes(10));
    private static final Duration WAIT = Duration.ofSeconds(40);

    @OnEveryDatabase
    void bRestartsAndCatchesUpWithEveryMessageAndTheSameState(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, MINUTE);
                OutboundFedClient b = OutboundFedClient.start(backend, MINUTE);
                OutboundFedClient c = OutboundFedClient.start(backend, MINUTE)) {
            KeysClient.User alice = a.register("alice");
            KeysClient.User bob = b.register("bob");
            KeysClient.User carol = c.register("carol");
            List<OutboundFedClient> all = List.of(a, b, c);
            List<KeysClient.User> users = List.of(alice, bob, carol);
            String roomId = CatchUpFed.createPublicRoom(a, alice, RoomVersion.V11);
            CatchUpFed.join(b, bob, roomId, a.name());
            CatchUpFed.join(c, carol, roomId, a.name());
            CatchUpFed.say(a, alice, roomId, "hello from A");
            CatchUpFed.say(c, carol, roomId, "hello from C");
            // B learns of C's join from C's message (A, the resident, does not pass joins on): only then does
            // B's sender know to send to C too.
            CatchUpFed.awaitMessages(WAIT, List.of("hello from A", "hello from C"), roomId, all, users);
            CatchUpFed.say(b, bob, roomId, "hello from B");
            List<String> before = List.of("hello from A", "hello from C", "hello from B");
            CatchUpFed.awaitMessages(WAIT, before, roomId, all, users);
            CatchUpFed.awaitSameState(WAIT, roomId, all, users);

            b.stop();
            List<String> during = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                boolean fromA = i % 3 != 2; // 20 from A, 10 from C, interleaved
                String text = (fromA ? "A" : "C") + " says " + i;
                CatchUpFed.say(fromA ? a : c, fromA ? alice : carol, roomId, text);
                during.add(text);
                if (i == 14) {
                    CatchUpFed.setState(a, alice, roomId, "m.room.topic", "", "{\"topic\":\"while B was away\"}");
                }
            }
            CatchUpFed.awaitMessages(WAIT, during, roomId, List.of(a, c), List.of(alice, carol));
            // Both A and C tried B and failed: each now waits a minute before trying again.
            String bName = b.name().value();
            assertThat(OutboundFedClient.await(WAIT, () -> a.count("SELECT COUNT(*) FROM federation_destinations"
                    + " WHERE destination = '" + bName + "' AND retry_count > 0") == 1
                    && c.count("SELECT COUNT(*) FROM federation_destinations WHERE destination = '" + bName
                    + "' AND retry_count > 0") == 1)).isTrue();
            assertThat(a.count("SELECT COUNT(*) FROM federation_queued_pdus WHERE destination = '" + bName + "'"))
                    .isEqualTo(21);
            assertThat(c.count("SELECT COUNT(*) FROM federation_queued_pdus WHERE destination = '" + bName + "'"))
                    .isEqualTo(10);

            long retryAt = Math.min(a.count("SELECT next_attempt_ts FROM federation_destinations WHERE destination = '"
                    + bName + "'"), c.count("SELECT next_attempt_ts FROM federation_destinations WHERE destination = '"
                    + bName + "'"));
            b.startAgain();
            List<String> every = new ArrayList<>(before);
            every.addAll(during);
            CatchUpFed.awaitMessages(WAIT, every, roomId, List.of(b), List.of(bob));
            // B caught up before either A or C would have retried on its own.
            assertThat(System.currentTimeMillis()).isLessThan(retryAt);
            // Each server's messages in the order it sent them (B's stream interleaves the two as they arrived).
            List<String> seen = CatchUpFed.messages(b, bob, roomId);
            assertThat(seen).containsSubsequence(during.stream().filter(t -> t.startsWith("A ")).toList());
            assertThat(seen).containsSubsequence(during.stream().filter(t -> t.startsWith("C ")).toList());
            List<String> synced = CatchUpFed.syncMessages(b, bob, roomId);
            assertThat(synced).isNotEmpty();
            // The initial sync's timeline is the newest of B's stream: it ends with whichever server's catch-up
            // arrived last (A's and C's queues are flushed concurrently), each server's messages in their order.
            assertThat(synced).containsAnyOf("A says 28", "C says 29");
            assertThat(every).containsAll(synced);
            for (String sender : List.of("A ", "C ")) {
                assertThat(synced.stream().filter(t -> t.startsWith(sender)).map(during::indexOf).toList()).isSorted();
            }
            Map<String, String> state = CatchUpFed.awaitSameState(WAIT, roomId, all, users);
            assertThat(CatchUpFed.stateContent(b, bob, roomId, "m.room.topic").path("topic").asText())
                    .isEqualTo("while B was away");
            assertThat(state).containsKeys("m.room.member|" + alice.userId(), "m.room.member|" + bob.userId(),
                    "m.room.member|" + carol.userId());
            // Nothing is left queued for B.
            assertThat(OutboundFedClient.await(WAIT, () -> a.count("SELECT COUNT(*) FROM federation_queued_pdus"
                    + " WHERE destination = '" + bName + "'") == 0)).isTrue();
        }
    }
}
