package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.keys.KeysClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The outbound queue over real HTTP: local events and EDUs reach the destination in signed transactions of at
 * most 50 PDUs / 100 EDUs; an unreachable destination is retried with growing delays; a destination that contacts
 * us is sent its queue at once; a restarted server resumes its queue. The destination is a
 * {@link RecordingReceiver} (no inbound {@code /send} in this branch yet).
 */
class FederationSenderHttpTest {
    private static final Backoff LONG = new Backoff(Duration.ofSeconds(60), Duration.ofHours(1));

    @OnEveryDatabase
    void localEventsReachEveryServerInTheRoomAndTheQueueEmpties(Backend backend) throws IOException {
        try (OutboundFedClient a = OutboundFedClient.start(backend, LONG);
                RecordingReceiver receiver = new RecordingReceiver(a.key().verifyKey())) {
            KeysClient.User alice = a.register("alice");
            String roomId = a.createRoom(alice);
            a.addRemoteMember(roomId, "@remote:" + receiver.name());
            OutboundFedClient.Reply sent = a.message(alice, roomId, "t1", "hello");
            assertThat(sent.status()).isEqualTo(200);
            String eventId = sent.json().path("event_id").asText();

            assertThat(OutboundFedClient.await(Duration.ofSeconds(10), () -> !receiver.pdus().isEmpty())).isTrue();
            ObjectNode txn = receiver.transactions.get(0);
            assertThat(txn.path("origin").asText()).isEqualTo(a.name().value());
            assertThat(receiver.pdus().get(0).path("content").path("body").asText()).isEqualTo("hello");
            assertThat(receiver.pdus().get(0).path("room_id").asText()).isEqualTo(roomId);
            assertThat(receiver.refused).isEmpty();
            // events from before the remote member joined are not sent (only what was committed after)
            assertThat(receiver.pdus()).hasSize(1);
            assertThat(OutboundFedClient.await(Duration.ofSeconds(5),
                    () -> a.count("SELECT COUNT(*) FROM federation_queued_pdus") == 0)).isTrue();
            assertThat(eventId).startsWith("$");
        }
    }

    @OnEveryDatabase
    void anUnreachableDestinationIsRetriedWithGrowingDelays(Backend backend) throws IOException {
        try (OutboundFedClient a = OutboundFedClient.start(backend,
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10)))) {
            ServerName nobody = ServerName.parse("127.0.0.1:" + FederatingServer.freePort());
            KeysClient.User alice = a.register("alice");
            String roomId = a.createRoom(alice);
            a.addRemoteMember(roomId, "@gone:" + nobody);
            a.message(alice, roomId, "t1", "into the void");

            List<long[]> seen = new ArrayList<>(); // (retry_count, next_attempt_ts - time of observation)
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline && (seen.isEmpty() || seen.get(seen.size() - 1)[0] < 4)) {
                long[] row = a.server().database().read(c -> {
                    try (var s = c.prepareStatement("SELECT retry_count, next_attempt_ts FROM federation_destinations"
                            + " WHERE destination = ?")) {
                        s.setString(1, nobody.value());
                        try (var r = s.executeQuery()) {
                            return r.next() ? new long[] {r.getLong(1), r.getLong(2)} : null;
                        }
                    }
                });
                if (row != null && (seen.isEmpty() || seen.get(seen.size() - 1)[0] != row[0])) {
                    seen.add(row);
                }
                sleep(20);
            }
            assertThat(seen.size()).as("retries seen").isGreaterThanOrEqualTo(3);
            assertThat(seen.get(seen.size() - 1)[0]).isGreaterThanOrEqualTo(4);
            // each wait is longer than the one before: next_attempt_ts steps grow
            for (int i = 2; i < seen.size(); i++) {
                long previousGap = seen.get(i - 1)[1] - seen.get(i - 2)[1];
                long gap = seen.get(i)[1] - seen.get(i - 1)[1];
                assertThat(gap).as("gap %d after %d", i, previousGap).isGreaterThan(previousGap);
            }
            // nothing was lost: the event is still queued
            assertThat(a.count("SELECT COUNT(*) FROM federation_queued_pdus")).isEqualTo(1);
        }
    }

    @OnEveryDatabase
    void aDestinationThatContactsUsGetsItsQueueAtOnceInTransactionsOfAtMost50PdusAnd100Edus(Backend backend)
            throws IOException {
        try (OutboundFedClient a = OutboundFedClient.start(backend, LONG);
                RecordingReceiver receiver = new RecordingReceiver(a.key().verifyKey())) {
            receiver.down = true;
            KeysClient.User alice = a.register("alice");
            String roomId = a.createRoom(alice);
            String remoteUser = "@remote:" + receiver.name();
            a.addRemoteMember(roomId, remoteUser);
            a.message(alice, roomId, "t0", "first");
            assertThat(OutboundFedClient.await(Duration.ofSeconds(10), () -> receiver.attempts > 0)).isTrue();
            assertThat(OutboundFedClient.await(Duration.ofSeconds(5),
                    () -> a.count("SELECT COUNT(*) FROM federation_destinations WHERE retry_count = 1") == 1)).isTrue();
            for (int i = 1; i < 120; i++) {
                assertThat(a.message(alice, roomId, "t" + i, "m" + i).status()).isEqualTo(200);
            }
            for (int i = 0; i < 150; i++) {
                assertThat(a.put("/_matrix/client/v3/sendToDevice/m.test/d" + i,
                        "{\"messages\":{\"" + remoteUser + "\":{\"DEV\":{\"n\":" + i + "}}}}", alice.token()).status())
                        .isEqualTo(200);
            }
            assertThat(OutboundFedClient.await(Duration.ofSeconds(10),
                    () -> a.count("SELECT COUNT(*) FROM federation_queued_pdus") == 120
                            && a.count("SELECT COUNT(*) FROM federation_queued_edus") == 150)).isTrue();
            int attemptsWhileDown = receiver.attempts;
            assertThat(attemptsWhileDown).as("backing off: no retry within the minute").isEqualTo(1);

            receiver.down = false;
            long contacted = System.nanoTime();
            receiver.contact(a.name(), "@nobody:" + a.name());
            assertThat(OutboundFedClient.await(Duration.ofSeconds(20), () -> receiver.pdus().size() == 120
                    && receiver.edus().size() == 150)).as("flushed").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - contacted)).isLessThan(Duration.ofSeconds(20));
            for (ObjectNode txn : receiver.transactions) {
                assertThat(txn.path("pdus").size()).isLessThanOrEqualTo(50);
                assertThat(txn.path("edus").size()).isLessThanOrEqualTo(100);
            }
            assertThat(receiver.transactions.size()).isGreaterThanOrEqualTo(3);
            // in order, each once
            List<String> bodies = receiver.pdus().stream().map(p -> p.path("content").path("body").asText()).toList();
            assertThat(bodies.get(0)).isEqualTo("first");
            assertThat(bodies.get(119)).isEqualTo("m119");
            assertThat(bodies).doesNotHaveDuplicates();
            ObjectNode toDevice = receiver.edus().stream()
                    .filter(e -> e.path("edu_type").asText().equals("m.direct_to_device")).findFirst().orElseThrow();
            assertThat(toDevice.path("content").path("sender").asText()).isEqualTo(alice.userId());
            assertThat(toDevice.path("content").path("messages").path(remoteUser).path("DEV").path("n").asInt())
                    .isEqualTo(0);
            assertThat(OutboundFedClient.await(Duration.ofSeconds(5),
                    () -> a.count("SELECT COUNT(*) FROM federation_queued_pdus") == 0
                            && a.count("SELECT COUNT(*) FROM federation_queued_edus") == 0)).isTrue();
        }
    }

    @OnEveryDatabase
    void aRestartedServerResumesItsQueue(Backend backend) throws IOException {
        try (OutboundFedClient a = OutboundFedClient.start(backend,
                new Backoff(Duration.ofMillis(300), Duration.ofSeconds(1)));
                RecordingReceiver receiver = new RecordingReceiver(a.key().verifyKey())) {
            receiver.down = true;
            KeysClient.User alice = a.register("alice");
            String roomId = a.createRoom(alice);
            a.addRemoteMember(roomId, "@remote:" + receiver.name());
            a.message(alice, roomId, "t1", "kept across restarts");
            assertThat(OutboundFedClient.await(Duration.ofSeconds(10), () -> receiver.attempts > 0)).isTrue();
            a.stop();
            receiver.down = false;
            a.startAgain();
            assertThat(OutboundFedClient.await(Duration.ofSeconds(15), () -> receiver.pdus().size() == 1)).isTrue();
            assertThat(receiver.pdus().get(0).path("content").path("body").asText()).isEqualTo("kept across restarts");
        }
    }

    @OnEveryDatabase
    void typingReceiptsAndDeviceListChangesOfLocalUsersGoOut(Backend backend) throws IOException {
        try (OutboundFedClient a = OutboundFedClient.start(backend, LONG);
                RecordingReceiver receiver = new RecordingReceiver(a.key().verifyKey())) {
            KeysClient.User alice = a.register("alice");
            String roomId = a.createRoom(alice);
            a.addRemoteMember(roomId, "@remote:" + receiver.name());
            String eventId = a.message(alice, roomId, "t1", "read me").json().path("event_id").asText();
            assertThat(a.put("/_matrix/client/v3/rooms/" + roomId + "/typing/" + alice.userId(),
                    "{\"typing\":true,\"timeout\":10000}", alice.token()).status()).isEqualTo(200);
            assertThat(a.post("/_matrix/client/v3/rooms/" + roomId + "/receipt/m.read/" + eventId, "{}",
                    alice.token()).status()).isEqualTo(200);
            a.uploadKeys(alice, 1, true);

            assertThat(OutboundFedClient.await(Duration.ofSeconds(10), () -> types(receiver).containsAll(
                    List.of("m.typing", "m.receipt", "m.device_list_update")))).as(types(receiver).toString()).isTrue();
            ObjectNode typing = edu(receiver, "m.typing");
            assertThat(typing.path("room_id").asText()).isEqualTo(roomId);
            assertThat(typing.path("user_id").asText()).isEqualTo(alice.userId());
            assertThat(typing.path("typing").asBoolean()).isTrue();
            ObjectNode receipt = edu(receiver, "m.receipt");
            assertThat(receipt.path(roomId).path("m.read").path(alice.userId()).path("event_ids").get(0).asText())
                    .isEqualTo(eventId);
            ObjectNode devices = edu(receiver, "m.device_list_update");
            assertThat(devices.path("user_id").asText()).isEqualTo(alice.userId());
            assertThat(devices.path("device_id").asText()).isEqualTo(alice.deviceId());
            assertThat(devices.path("stream_id").asLong()).isPositive();
            assertThat(devices.path("prev_id").isArray()).isTrue();
            assertThat(devices.path("keys").path("keys").path("ed25519:" + alice.deviceId()).asText())
                    .isEqualTo(alice.deviceKey().verifyKey().publicKeyBase64());
        }
    }

    @OnEveryDatabase
    void aDeletedDeviceIsAnnouncedAsDeleted(Backend backend) throws IOException {
        try (OutboundFedClient a = OutboundFedClient.start(backend, LONG);
                RecordingReceiver receiver = new RecordingReceiver(a.key().verifyKey())) {
            KeysClient.User alice = a.register("alice");
            String roomId = a.createRoom(alice);
            a.addRemoteMember(roomId, "@remote:" + receiver.name());
            OutboundFedClient.Reply login = a.post("/_matrix/client/v3/login", "{\"type\":\"m.login.password\","
                    + "\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"},\"password\":\"pw\"}", null);
            assertThat(login.status()).isEqualTo(200);
            KeysClient.User phone = new KeysClient.User(login.json().path("access_token").asText(), alice.userId(),
                    login.json().path("device_id").asText(),
                    dev.starling.protocol.crypto.SigningKey.generate(
                            dev.starling.protocol.id.KeyId.ed25519(login.json().path("device_id").asText())));
            a.uploadKeys(phone, 0, false);
            assertThat(OutboundFedClient.await(Duration.ofSeconds(10), () -> deviceUpdates(receiver).stream()
                    .anyMatch(u -> u.path("device_id").asText().equals(phone.deviceId())))).isTrue();
            assertThat(a.post("/_matrix/client/v3/logout", "{}", phone.token()).status()).isEqualTo(200);
            assertThat(OutboundFedClient.await(Duration.ofSeconds(10), () -> deviceUpdates(receiver).stream()
                    .anyMatch(u -> u.path("device_id").asText().equals(phone.deviceId())
                            && u.path("deleted").asBoolean()))).as(deviceUpdates(receiver).toString()).isTrue();
            ObjectNode deleted = deviceUpdates(receiver).stream().filter(u -> u.path("deleted").asBoolean())
                    .findFirst().orElseThrow();
            assertThat(deleted.has("keys")).isFalse();
            assertThat(deleted.path("prev_id").get(0).asLong()).isLessThan(deleted.path("stream_id").asLong());
            // the remaining device is announced with the same change, not deleted
            assertThat(deviceUpdates(receiver).stream().anyMatch(u -> u.path("device_id").asText()
                    .equals(alice.deviceId()) && u.path("stream_id").equals(deleted.path("stream_id"))
                    && !u.path("deleted").asBoolean())).isTrue();
        }
    }

    private static List<ObjectNode> deviceUpdates(RecordingReceiver receiver) {
        return receiver.edus().stream().filter(e -> e.path("edu_type").asText().equals("m.device_list_update"))
                .map(e -> (ObjectNode) e.path("content")).toList();
    }

    private static List<String> types(RecordingReceiver receiver) {
        return receiver.edus().stream().map(e -> e.path("edu_type").asText()).toList();
    }

    private static ObjectNode edu(RecordingReceiver receiver, String type) {
        return (ObjectNode) receiver.edus().stream().filter(e -> e.path("edu_type").asText().equals(type)).reduce(
                (first, last) -> last).orElseThrow().path("content");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
