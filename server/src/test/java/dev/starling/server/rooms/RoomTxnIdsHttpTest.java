package dev.starling.server.rooms;

import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.message;
import static dev.starling.server.rooms.RoomClient.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Transaction IDs (Client-Server API § Transaction identifiers) answered from memory ({@link KnownTxns}): a new
 * ID is sent without reading {@code txn_ids}, and every repeat — right away, after other sends, after a
 * restart, after its first send failed — still answers exactly as the store says.
 */
class RoomTxnIdsHttpTest {
    private static String eventId(Reply reply) {
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().path("event_id").asText();
    }

    private static String login(TestHomeServer server, String user) {
        Reply reply = server.post("/_matrix/client/v3/login", "{\"type\":\"m.login.password\",\"identifier\":"
                + "{\"type\":\"m.id.user\",\"user\":\"" + user + "\"},\"password\":\"pw\"}", null);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().path("access_token").asText();
    }

    @OnEveryDatabase
    void repeatsAnswerTheFirstEventAndNewIdsSendNewOnes(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{}");
            List<String> first = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                first.add(eventId(message(server, alice, roomId, "t" + i, "m" + i)));
                // Every earlier ID, repeated between new ones, answers its own event and sends nothing.
                int earlier = i / 2;
                assertThat(eventId(message(server, alice, roomId, "t" + earlier, "other text")))
                        .isEqualTo(first.get(earlier));
            }
            assertThat(new HashSet<>(first)).hasSize(20);
            assertThat(server.queryLong("SELECT COUNT(*) FROM events WHERE type = 'm.room.message'")).isEqualTo(20);
            assertThat(server.queryLong("SELECT COUNT(*) FROM txn_ids")).isEqualTo(20);
        }
    }

    @OnEveryDatabase
    void theSameIdFromAnotherDeviceOrInAnotherRoomIsANewTransaction(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String otherDevice = login(server, "alice");
            String roomA = createRoom(server, alice, "{}");
            String roomB = createRoom(server, alice, "{}");
            String a = eventId(message(server, alice, roomA, "same", "a"));
            String b = eventId(message(server, alice, roomB, "same", "b"));
            String c = eventId(message(server, otherDevice, roomA, "same", "c"));
            assertThat(List.of(a, b, c)).doesNotHaveDuplicates();
            assertThat(eventId(message(server, alice, roomA, "same", "x"))).isEqualTo(a);
            assertThat(eventId(message(server, alice, roomB, "same", "x"))).isEqualTo(b);
            assertThat(eventId(message(server, otherDevice, roomA, "same", "x"))).isEqualTo(c);
            assertThat(server.queryLong("SELECT COUNT(*) FROM events WHERE type = 'm.room.message'")).isEqualTo(3);
        }
    }

    /** The transaction ID of each event in a timeline by event ID ("" when the event carries none). */
    private static java.util.Map<String, String> txnIds(com.fasterxml.jackson.databind.JsonNode events) {
        java.util.Map<String, String> ids = new java.util.HashMap<>();
        events.forEach(e -> ids.put(e.path("event_id").asText(), e.path("unsigned").path("transaction_id").asText()));
        return ids;
    }

    private static com.fasterxml.jackson.databind.JsonNode get(TestHomeServer server, String path, String token) {
        Reply reply = server.get("/_matrix/client/v3" + path, token);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json();
    }

    @OnEveryDatabase
    void eachDeviceIsServedTheTransactionIdsOfItsOwnSendsOnly(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String aliceElsewhere = login(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(server.post("/_matrix/client/v3/join/" + roomId, "{}", bob).status()).isEqualTo(200);
            java.util.Map<String, String> since = new java.util.HashMap<>();
            for (String token : List.of(alice, aliceElsewhere, bob)) {
                since.put(token, get(server, "/sync", token).path("next_batch").asText());
            }
            java.util.Map<String, java.util.Map<String, String>> expected = sendEach(server, roomId,
                    List.of(alice, aliceElsewhere, bob), "1");
            for (String token : List.of(alice, aliceElsewhere, bob)) {
                // Incremental sync (the events from the room's window in memory), initial sync and /messages.
                assertThat(incrementalTxnIds(server, roomId, token, since.get(token))).isEqualTo(expected.get(token));
                var initial = txnIds(get(server, "/sync", token)
                        .path("rooms").path("join").path(roomId).path("timeline").path("events"));
                assertThat(initial).containsAllEntriesOf(expected.get(token));
                var messages = txnIds(get(server, "/rooms/" + roomId + "/messages?dir=b&limit=3", token)
                        .path("chunk"));
                assertThat(messages).isEqualTo(expected.get(token));
                since.put(token, get(server, "/sync?since=" + since.get(token), token).path("next_batch").asText());
            }

            // The room's window now reaches the last send, so the writer hands the next sends to it with their
            // transactions (SQLite): served from memory, with the same answers, and no read.
            EventWindows windows = server.homeServer().rooms().stream().windows();
            long reads = windows.reads();
            java.util.Map<String, java.util.Map<String, String>> expectedAgain = sendEach(server, roomId,
                    List.of(alice, aliceElsewhere, bob), "2");
            for (String token : List.of(alice, aliceElsewhere, bob)) {
                assertThat(incrementalTxnIds(server, roomId, token, since.get(token)))
                        .isEqualTo(expectedAgain.get(token));
            }
            if (backend == Backend.SQLITE) {
                assertThat(windows.reads()).as("the sends reached the window from the writer").isEqualTo(reads);
            }
        }
    }

    /**
     * Each device (token) sends one message with transaction ID {@code "t<i>-" + round}; answers what each device
     * must be served: by device, every event ID with its own transaction ID and "" for the others'.
     */
    private static java.util.Map<String, java.util.Map<String, String>> sendEach(TestHomeServer server,
            String roomId, List<String> tokens, String round) {
        java.util.Map<String, String> sent = new java.util.LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            String txn = "t" + i + "-" + round;
            sent.put(eventId(message(server, tokens.get(i), roomId, txn, "message " + txn)), txn);
        }
        java.util.Map<String, java.util.Map<String, String>> expected = new java.util.HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            String own = "t" + i + "-" + round;
            java.util.Map<String, String> served = new java.util.HashMap<>();
            sent.forEach((event, txn) -> served.put(event, txn.equals(own) ? txn : ""));
            expected.put(tokens.get(i), served);
        }
        return expected;
    }

    private static java.util.Map<String, String> incrementalTxnIds(TestHomeServer server, String roomId,
            String token, String since) {
        return txnIds(get(server, "/sync?since=" + since, token)
                .path("rooms").path("join").path(roomId).path("timeline").path("events"));
    }

    @OnEveryDatabase
    void afterARestartEveryStoredIdStillAnswersItsEvent(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{}");
            List<String> first = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                first.add(eventId(message(server, alice, roomId, "t" + i, "m" + i)));
            }

            server.restart();

            // The first send after the restart is a new ID: it must not forget the stored ones.
            String fresh = eventId(message(server, alice, roomId, "new", "after"));
            for (int i = 0; i < 5; i++) {
                assertThat(eventId(message(server, alice, roomId, "t" + i, "again"))).isEqualTo(first.get(i));
            }
            assertThat(eventId(message(server, alice, roomId, "new", "again"))).isEqualTo(fresh);
            assertThat(server.queryLong("SELECT COUNT(*) FROM events WHERE type = 'm.room.message'")).isEqualTo(6);
        }
    }

    @OnEveryDatabase
    void aScopeWithMoreStoredIdsThanAreKeptStillAnswersRepeats(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{}");
            String firstId = eventId(message(server, alice, roomId, "t0", "m0"));
            // Rows the server did not write itself in this process (as after a restart with a long history).
            server.database().inTransaction(c -> {
                List<Object> first = new ArrayList<>();
                try (var s = c.prepareStatement("SELECT user_id, device_id, room_id, event_id, event_ordering,"
                        + " created_ts FROM txn_ids"
                        + " WHERE txn_id = 't0'"); var r = s.executeQuery()) {
                    assertThat(r.next()).isTrue();
                    for (int column = 1; column <= 6; column++) {
                        first.add(r.getObject(column));
                    }
                }
                try (var s = c.prepareStatement("INSERT INTO txn_ids (user_id, device_id, room_id, txn_id, event_id,"
                        + " event_ordering, created_ts) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    for (int i = 1; i <= KnownTxns.MAX_PER_SCOPE + 1; i++) {
                        s.setObject(1, first.get(0));
                        s.setObject(2, first.get(1));
                        s.setObject(3, first.get(2));
                        s.setString(4, "bulk" + i);
                        s.setObject(5, first.get(3));
                        s.setObject(6, first.get(4));
                        s.setObject(7, first.get(5));
                        s.addBatch();
                    }
                    s.executeBatch();
                }
                return null;
            });
            server.restart();
            assertThat(eventId(message(server, alice, roomId, "new", "n"))).isNotEqualTo(firstId);
            assertThat(eventId(message(server, alice, roomId, "bulk" + (KnownTxns.MAX_PER_SCOPE + 1), "x")))
                    .isEqualTo(firstId);
            assertThat(eventId(message(server, alice, roomId, "new", "x"))).isNotEqualTo(firstId);
            assertThat(server.queryLong("SELECT COUNT(*) FROM events WHERE type = 'm.room.message'")).isEqualTo(2);
        }
    }
}
