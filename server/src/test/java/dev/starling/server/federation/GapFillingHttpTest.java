package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.keys.KeysClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The receiver closes a gap longer than one {@code get_missing_events} answer (20 events): B was down while
 * A's user wrote 45 messages, and only the newest of them reaches B (the others are taken out of A's queue);
 * B pulls the 44 missing ones in several rounds, accepts them all and then the newest.
 */
class GapFillingHttpTest {
    private static final Backoff SHORT = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1));
    private static final Duration WAIT = Duration.ofSeconds(30);

    @OnEveryDatabase
    void aGapOfMoreThanOneRoundIsFilledInSeveralRounds(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, SHORT);
                OutboundFedClient b = OutboundFedClient.start(backend, SHORT)) {
            CatchUpFed.SharedRoom room = CatchUpFed.sharedRoom(a, b, WAIT);
            KeysClient.User alice = room.alice();
            KeysClient.User bob = room.bob();
            String roomId = room.roomId();

            b.stop();
            List<String> written = new ArrayList<>();
            String newest = null;
            for (int i = 0; i < 45; i++) {
                written.add("m" + i);
                newest = CatchUpFed.say(a, alice, roomId, "m" + i);
            }
            String destination = b.name().value();
            assertThat(OutboundFedClient.await(WAIT, () -> a.count("SELECT COUNT(*) FROM federation_queued_pdus"
                    + " WHERE destination = '" + destination + "'") == 45)).isTrue();
            String keep = newest;
            a.server().database().inTransaction(c -> {
                try (var s = c.prepareStatement("DELETE FROM federation_queued_pdus WHERE destination = ?"
                        + " AND event_id <> ?")) {
                    s.setString(1, destination);
                    s.setString(2, keep);
                    s.executeUpdate();
                }
                return null;
            });
            b.startAgain();

            CatchUpFed.awaitMessages(WAIT, written, roomId, List.of(b), List.of(bob));
            assertThat(CatchUpFed.messages(b, bob, roomId)).containsSubsequence(written);
            assertThat(CatchUpFed.state(b, bob, roomId)).isEqualTo(CatchUpFed.state(a, alice, roomId));
            assertThat(b.count("SELECT COUNT(*) FROM room_forward_extremities WHERE event_id = '" + keep + "'"))
                    .isEqualTo(1);
        }
    }
}
