package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.keys.KeysClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.time.Duration;
import java.util.List;

/**
 * {@link ServerBlocks} cuts federation both ways even when only one side blocks: A blocks B; A's transactions
 * to B fail in A's transport (nothing is sent), B's transactions to A are refused by A's X-Matrix check (403);
 * both sides keep their queues and back off. Unblocked, both queues are delivered.
 */
class ServerBlocksHttpTest {
    private static final Backoff SHORT = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1));
    private static final Duration WAIT = Duration.ofSeconds(30);

    @OnEveryDatabase
    void aBlockedServerIsCutOffBothWaysUntilUnblocked(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, SHORT);
                OutboundFedClient b = OutboundFedClient.start(backend, SHORT)) {
            CatchUpFed.SharedRoom room = CatchUpFed.sharedRoom(a, b, WAIT);
            KeysClient.User alice = room.alice();
            KeysClient.User bob = room.bob();
            String roomId = room.roomId();

            a.server().federation().blocks().block(b.name());
            CatchUpFed.say(a, alice, roomId, "from A while blocked");
            CatchUpFed.say(b, bob, roomId, "from B while blocked");
            String aName = a.name().value();
            String bName = b.name().value();
            // Both senders failed at least twice and still hold their event.
            assertThat(OutboundFedClient.await(WAIT, () -> a.count("SELECT COUNT(*) FROM federation_destinations"
                    + " WHERE destination = '" + bName + "' AND retry_count > 1") == 1
                    && b.count("SELECT COUNT(*) FROM federation_destinations WHERE destination = '" + aName
                    + "' AND retry_count > 1") == 1)).isTrue();
            assertThat(a.count("SELECT COUNT(*) FROM federation_queued_pdus WHERE destination = '" + bName + "'"))
                    .isEqualTo(1);
            assertThat(b.count("SELECT COUNT(*) FROM federation_queued_pdus WHERE destination = '" + aName + "'"))
                    .isEqualTo(1);
            assertThat(CatchUpFed.messages(a, alice, roomId)).doesNotContain("from B while blocked");
            assertThat(CatchUpFed.messages(b, bob, roomId)).doesNotContain("from A while blocked");
            assertThat(a.server().federation().blocks().isBlocked(b.name())).isTrue();

            a.server().federation().blocks().unblock(b.name());
            List<String> all = List.of("before", "from A while blocked", "from B while blocked");
            CatchUpFed.awaitMessages(WAIT, all, roomId, List.of(a, b), List.of(alice, bob));
            CatchUpFed.awaitSameState(WAIT, roomId, List.of(a, b), List.of(alice, bob));
        }
    }
}
