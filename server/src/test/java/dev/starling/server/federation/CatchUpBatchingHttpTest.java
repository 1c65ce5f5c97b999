package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.keys.KeysClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 4, acceptance 6 (the catch-up benchmark's premise, loadgen scenario f3, kept in CI at a small size): B is
 * stopped while A's user sends 120 messages; after B's restart A's durable queue reaches B in order, in
 * transactions of at most 50 PDUs, as full as the queue allows (50, 50, 20: no one-transaction-per-event, no
 * oversized one), and B accepts every PDU of them (its stored answers name each with no error) and shows all
 * 120 in A's order.
 */
class CatchUpBatchingHttpTest {
    private static final Backoff MINUTE = new Backoff(Duration.ofSeconds(60), Duration.ofMinutes(10));
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MISSED = 120;

    @OnEveryDatabase
    void aQueueOfMissedEventsArrivesInFullTransactionsOfAtMostFiftyInOrder(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, MINUTE);
                OutboundFedClient b = OutboundFedClient.start(backend, MINUTE)) {
            CatchUpFed.SharedRoom room = CatchUpFed.sharedRoom(a, b, WAIT);
            KeysClient.User alice = room.alice();
            KeysClient.User bob = room.bob();
            String roomId = room.roomId();
            String aName = a.name().value();
            String bName = b.name().value();
            List<Integer> earlier = pdusPerTransaction(b, aName);

            b.stop();
            List<String> missed = new ArrayList<>();
            for (int i = 0; i < MISSED; i++) {
                missed.add("missed " + i);
                CatchUpFed.say(a, alice, roomId, "missed " + i);
            }
            assertThat(OutboundFedClient.await(WAIT, () -> a.count("SELECT COUNT(*) FROM federation_queued_pdus"
                    + " WHERE destination = '" + bName + "'") == MISSED)).isTrue();

            b.startAgain();
            CatchUpFed.awaitMessages(WAIT, missed, roomId, List.of(b), List.of(bob));
            assertThat(CatchUpFed.messages(b, bob, roomId)).isEqualTo(CatchUpFed.messages(a, alice, roomId));
            List<Integer> after = pdusPerTransaction(b, aName);
            List<Integer> catchUp = after.subList(earlier.size(), after.size()).stream().filter(n -> n > 0).toList();
            assertThat(catchUp).containsExactly(50, 50, 20);
            assertThat(OutboundFedClient.await(WAIT, () -> a.count("SELECT COUNT(*) FROM federation_queued_pdus"
                    + " WHERE destination = '" + bName + "'") == 0)).isTrue();
        }
    }

    /**
     * The PDU count of each transaction B answered from {@code origin}, in A's transaction order; asserts that B
     * accepted every PDU in them (an answer entry without {@code error}).
     */
    private static List<Integer> pdusPerTransaction(OutboundFedClient server, String origin) {
        return server.server().database().read(c -> {
            List<Integer> sizes = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT response FROM federation_inbound_txns WHERE origin = ? ORDER BY txn_id")) {
                s.setString(1, origin);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        var pdus = JSON.readTree(r.getString(1)).path("pdus");
                        pdus.forEach(result -> assertThat(result.has("error")).as(result.toString()).isFalse());
                        sizes.add(pdus.size());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return sizes;
        });
    }
}
