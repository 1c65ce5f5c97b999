package dev.starling.server.rooms;

import static dev.starling.server.rooms.RoomClient.V3;
import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.message;
import static dev.starling.server.rooms.RoomClient.path;
import static dev.starling.server.rooms.RoomClient.register;
import static dev.starling.server.rooms.RoomClient.room;
import static dev.starling.server.rooms.RoomClient.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Sending and reading events through the real homeserver, on every database. */
class RoomEventsHttpTest {
    private static final String EVENTS = "SELECT COUNT(*) FROM events";

    @OnEveryDatabase
    void aMessageIsSentOncePerDeviceAndTransaction(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{}");

            Reply first = message(server, alice, roomId, "txn1", "hello");
            Reply retry = message(server, alice, roomId, "txn1", "hello");
            Reply other = message(server, alice, roomId, "txn2", "hello");
            String otherDevice = server.post(V3 + "/login", "{\"type\":\"m.login.password\",\"identifier\":"
                    + "{\"type\":\"m.id.user\",\"user\":\"alice\"},\"password\":\"pw\"}", null).json().path("access_token").asText();
            Reply sameTxnOtherDevice = message(server, otherDevice, roomId, "txn1", "hello");

            assertThat(first.status()).isEqualTo(200);
            String eventId = first.json().path("event_id").asText();
            assertThat(eventId).startsWith("$");
            assertThat(retry.json().path("event_id").asText()).isEqualTo(eventId);
            assertThat(other.json().path("event_id").asText()).isNotEqualTo(eventId);
            assertThat(sameTxnOtherDevice.json().path("event_id").asText()).isNotIn(eventId,
                    other.json().path("event_id").asText());
            assertThat(server.queryLong("SELECT COUNT(*) FROM events WHERE type = 'm.room.message'")).isEqualTo(3);
            Reply event = server.get(room(roomId) + "/event/" + path(eventId), alice);
            assertThat(event.status()).isEqualTo(200);
            assertThat(event.json().path("content").path("body").asText()).isEqualTo("hello");
            assertThat(event.json().path("sender").asText()).isEqualTo("@alice:example.org");
            assertThat(event.json().path("room_id").asText()).isEqualTo(roomId);
            assertThat(event.json().has("state_key")).isFalse();
        }
    }

    @OnEveryDatabase
    void badEventsAreRefusedWithTheSpecsErrorsAndNothingIsStored(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String eve = register(server, "eve");
            String roomId = createRoom(server, alice, "{\"preset\":\"private_chat\"}");
            long before = server.queryLong(EVENTS);
            String big = "{\"body\":\"" + "x".repeat(66_000) + "\"}";
            String longType = "t".repeat(256);

            record Case(Reply reply, int status, String errcode) {}
            for (Case c : List.of(
                    new Case(send(server, alice, roomId, "big", big), 413, "M_TOO_LARGE"),
                    new Case(server.put(room(roomId) + "/send/" + longType + "/t1", "{}", alice), 400, "M_INVALID_PARAM"),
                    new Case(server.put(room(roomId) + "/state/m.room.name/" + "k".repeat(256), "{}", alice), 400,
                            "M_INVALID_PARAM"),
                    new Case(send(server, alice, roomId, "arr", "[1]"), 400, "M_BAD_JSON"),
                    new Case(send(server, alice, roomId, "str", "\"text\""), 400, "M_BAD_JSON"),
                    new Case(send(server, alice, roomId, "nojson", "{"), 400, "M_NOT_JSON"),
                    new Case(send(server, alice, "not-a-room", "t2", "{}"), 400, "M_INVALID_PARAM"),
                    new Case(send(server, alice, "!unknown:example.org", "t3", "{}"), 403, "M_FORBIDDEN"),
                    new Case(send(server, eve, roomId, "t4", "{}"), 403, "M_FORBIDDEN"),
                    new Case(server.put(room(roomId) + "/state/m.room.topic/", "{\"topic\":\"x\"}", eve), 403,
                            "M_FORBIDDEN"),
                    new Case(server.put(room(roomId) + "/state/m.room.create/", "{}", alice), 403, "M_FORBIDDEN"))) {
                assertThat(c.reply().status()).as(c.reply().json().toString()).isEqualTo(c.status());
                assertThat(c.reply().errcode()).as(c.reply().json().toString()).isEqualTo(c.errcode());
            }
            assertThat(send(server, eve, roomId, "t4", "{}").json().path("error").asText()).contains("SENDER_NOT_JOINED");
            assertThat(server.queryLong(EVENTS)).isEqualTo(before);
            assertThat(server.queryLong("SELECT COUNT(*) FROM txn_ids")).isZero();
            // The room still works: the refusals left its extremities alone.
            assertThat(message(server, alice, roomId, "ok", "still here").status()).isEqualTo(200);
            assertThat(server.queryLong("SELECT COUNT(*) FROM room_forward_extremities")).isEqualTo(1);
        }
    }

    @OnEveryDatabase
    void anEventTheUserMayNotSeeAnswersLikeAMissingOne(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            String otherRoom = createRoom(server, alice, "{}");
            String eventId = message(server, alice, roomId, "t1", "before bob").json().path("event_id").asText();

            Reply hidden = server.get(room(roomId) + "/event/" + path(eventId), bob);
            Reply missing = server.get(room(roomId) + "/event/" + path("$" + "A".repeat(43)), bob);
            Reply wrongRoom = server.get(room(otherRoom) + "/event/" + path(eventId), alice);
            assertThat(List.of(hidden, missing, wrongRoom)).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(404);
                assertThat(r.errcode()).isEqualTo("M_NOT_FOUND");
                assertThat(r.json().path("error").asText()).isEqualTo("event not found");
            });
            assertThat(RoomClient.state(server, bob, roomId).status()).isEqualTo(403);
            assertThat(server.get(room(roomId) + "/members", bob).status()).isEqualTo(403);
            assertThat(server.get(room(roomId) + "/joined_members", bob).status()).isEqualTo(403);

            // history_visibility shared: once joined, bob sees what was said before.
            assertThat(server.post(room(roomId) + "/join", "{}", bob).status()).isEqualTo(200);
            assertThat(server.get(room(roomId) + "/event/" + path(eventId), bob).json().path("content").path("body")
                    .asText()).isEqualTo("before bob");
        }
    }

    @OnEveryDatabase
    void joinedHistoryVisibilityHidesWhatWasSaidBeforeTheJoin(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":"
                    + "\"m.room.history_visibility\",\"content\":{\"history_visibility\":\"joined\"}}]}");
            String before = message(server, alice, roomId, "t1", "before").json().path("event_id").asText();
            server.post(room(roomId) + "/join", "{}", bob);
            String after = message(server, alice, roomId, "t2", "after").json().path("event_id").asText();

            assertThat(server.get(room(roomId) + "/event/" + path(before), bob).status()).isEqualTo(404);
            assertThat(server.get(room(roomId) + "/event/" + path(after), bob).status()).isEqualTo(200);
            assertThat(server.get(room(roomId) + "/event/" + path(before), alice).status()).isEqualTo(200);
        }
    }

    @OnEveryDatabase
    void aFormerMemberSeesTheStateAsItWasWhenTheyLeft(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\",\"name\":\"A\"}");
            String beforeJoin = message(server, alice, roomId, "b", "before bob joined").json().path("event_id").asText();
            server.post(room(roomId) + "/join", "{}", bob);
            String whileIn = message(server, alice, roomId, "w", "while bob was in").json().path("event_id").asText();
            assertThat(server.post(room(roomId) + "/leave", "{}", bob).status()).isEqualTo(200);
            assertThat(server.put(room(roomId) + "/state/m.room.name/", "{\"name\":\"B\"}", alice).status()).isEqualTo(200);
            String laterMessage = message(server, alice, roomId, "t", "after bob left").json().path("event_id").asText();

            assertThat(server.get(room(roomId) + "/state/m.room.name", bob).json().path("name").asText()).isEqualTo("A");
            assertThat(server.get(room(roomId) + "/state/m.room.name", alice).json().path("name").asText()).isEqualTo("B");
            assertThat(server.get(room(roomId) + "/members?membership=leave", bob).json().path("chunk").get(0)
                    .path("state_key").asText()).isEqualTo("@bob:example.org");
            assertThat(server.get(room(roomId) + "/event/" + path(laterMessage), bob).status()).isEqualTo(404);
            // shared: bob joined after these were sent (spec: "at any point after"), so leaving does not hide them.
            assertThat(server.get(room(roomId) + "/event/" + path(beforeJoin), bob).status()).isEqualTo(200);
            assertThat(server.get(room(roomId) + "/event/" + path(whileIn), bob).status()).isEqualTo(200);
        }
    }

    @OnEveryDatabase
    void concurrentSendsToOneRoomKeepOneForwardExtremity(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{}");
            String otherRoom = createRoom(server, alice, "{}");
            List<Future<Reply>> sends = new ArrayList<>();
            List<Future<Reply>> sameTxn = new ArrayList<>();
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 20; i++) {
                    int n = i;
                    sends.add(executor.submit(() -> message(server, alice, roomId, "c" + n, "m" + n)));
                }
                // One transaction ID into two rooms at once: two paths, so two transactions (as in Synapse).
                sameTxn.add(executor.submit(() -> message(server, alice, roomId, "same", "x")));
                sameTxn.add(executor.submit(() -> message(server, alice, otherRoom, "same", "x")));
            }
            assertThat(sameTxn.get(0).get().json().path("event_id").asText())
                    .isNotEqualTo(sameTxn.get(1).get().json().path("event_id").asText());
            assertThat(server.queryLong("SELECT COUNT(*) FROM txn_ids WHERE txn_id = 'same'")).isEqualTo(2);
            for (Future<Reply> send : sends) {
                assertThat(send.get().status()).isEqualTo(200);
            }
            assertThat(server.queryLong("SELECT COUNT(*) FROM room_forward_extremities")).isEqualTo(2);
            long inRoom = server.queryLong("SELECT COUNT(*) FROM events WHERE room_id = '" + roomId + "'");
            assertThat(server.queryLong("SELECT MAX(depth) FROM events WHERE room_id = '" + roomId + "'")).isEqualTo(inRoom);
            assertThat(server.queryLong("SELECT MAX(stream_ordering) FROM events")).isEqualTo(server.queryLong(EVENTS));
        }
    }
}
