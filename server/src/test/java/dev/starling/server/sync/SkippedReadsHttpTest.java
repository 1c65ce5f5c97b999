package dev.starling.server.sync;

import static dev.starling.server.keys.KeysClient.V3;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.keys.KeysClient;
import dev.starling.server.keys.KeysClient.User;
import dev.starling.server.rooms.RoomClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sources that skip their reads when {@code storage.StreamChanges} says nothing changed for the user after
 * {@code since} (to-device, receipts, account data, push rules, device lists): every change still reaches the
 * next sync — after empty syncs (which prime the skipping), right after a cut, from concurrent writers, and
 * after a restart (which forgets everything in memory). On every database.
 */
class SkippedReadsHttpTest {
    private static final String PUSH_RULE = V3 + "/pushrules/global/content/cake";

    private record Setup(User alice, User bob, String roomId, String firstEvent) {}

    private static Setup setup(TestHomeServer server) {
        User alice = KeysClient.register(server, "alice");
        User bob = KeysClient.register(server, "bob");
        String roomId = RoomClient.createRoom(server, alice.token(), "{\"preset\":\"public_chat\"}");
        assertThat(RoomClient.membership(server, bob.token(), roomId, "join", null).status()).isEqualTo(200);
        String event = RoomClient.message(server, alice.token(), roomId, "m0", "hello").json().path("event_id").asText();
        return new Setup(alice, bob, roomId, event);
    }

    private static JsonNode sync(TestHomeServer server, User user, String since) {
        return KeysClient.sync(server, user, since).json();
    }

    private static String next(JsonNode sync) {
        return sync.path("next_batch").asText();
    }

    /** What bob's sync answer carries of each skippable stream, as short strings. */
    private static Set<String> seen(JsonNode sync, String roomId) {
        Set<String> seen = new HashSet<>();
        sync.path("to_device").path("events").forEach(e -> seen.add("to_device:" + e.path("content").path("n").asText()));
        JsonNode room = sync.path("rooms").path("join").path(roomId);
        room.path("ephemeral").path("events").forEach(e -> {
            if (e.path("type").asText().equals("m.receipt")) {
                e.path("content").fieldNames().forEachRemaining(id -> seen.add("receipt:" + id));
            }
        });
        room.path("account_data").path("events").forEach(e -> seen.add("room_data:" + e.path("type").asText()));
        sync.path("account_data").path("events").forEach(e -> seen.add(e.path("type").asText().equals("m.push_rules")
                ? "push_rules" : "data:" + e.path("type").asText()));
        sync.path("device_lists").path("changed").forEach(u -> seen.add("device_list:" + u.asText()));
        return seen;
    }

    private static void toDevice(TestHomeServer server, User from, User to, String txn, String n) {
        Reply reply = server.put(V3 + "/sendToDevice/m.test/" + txn, "{\"messages\":{\"" + to.userId() + "\":{\""
                + to.deviceId() + "\":{\"n\":\"" + n + "\"}}}}", from.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
    }

    private static void accountData(TestHomeServer server, User user, String type) {
        Reply reply = server.put(V3 + "/user/" + RoomClient.path(user.userId()) + "/account_data/" + type,
                "{\"v\":1}", user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
    }

    private static void roomAccountData(TestHomeServer server, User user, String roomId, String type) {
        Reply reply = server.put(V3 + "/user/" + RoomClient.path(user.userId()) + "/rooms/" + RoomClient.path(roomId)
                + "/account_data/" + type, "{\"v\":1}", user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
    }

    private static void receipt(TestHomeServer server, User user, String roomId, String eventId) {
        Reply reply = server.post(RoomClient.room(roomId) + "/receipt/m.read/" + RoomClient.path(eventId), "{}",
                user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
    }

    /** Every change of every skippable stream, one at a time, each after two syncs that found nothing. */
    private static List<Runnable> changes(TestHomeServer server, Setup s, List<String> expected, String tag) {
        List<Runnable> changes = new ArrayList<>();
        changes.add(() -> toDevice(server, s.alice(), s.bob(), "t" + tag, tag));
        expected.add("to_device:" + tag);
        changes.add(() -> accountData(server, s.bob(), "x.global." + tag));
        expected.add("data:x.global." + tag);
        changes.add(() -> roomAccountData(server, s.bob(), s.roomId(), "x.room." + tag));
        expected.add("room_data:x.room." + tag);
        String event = RoomClient.message(server, s.alice().token(), s.roomId(), "r" + tag, tag).json()
                .path("event_id").asText();
        changes.add(() -> receipt(server, s.alice(), s.roomId(), event));
        expected.add("receipt:" + event);
        changes.add(() -> assertThat(server.put(PUSH_RULE, "{\"pattern\":\"cake" + tag + "\",\"actions\":[]}",
                s.bob().token()).status()).isEqualTo(200));
        expected.add("push_rules");
        changes.add(() -> KeysClient.uploadAll(server, KeysClient.login(server, "alice"), 1)); // a new device's keys
        expected.add("device_list:" + s.alice().userId());
        return changes;
    }

    @OnEveryDatabase
    void eachChangeReachesTheNextSyncAfterSyncsThatFoundNothing(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            Setup s = setup(server);
            String since = next(sync(server, s.bob(), null));
            for (String round : List.of("1", "2")) {
                List<String> expected = new ArrayList<>();
                List<Runnable> changes = changes(server, s, expected, round);
                since = next(sync(server, s.bob(), since)); // the message the receipt will be for
                for (int i = 0; i < changes.size(); i++) {
                    // Two syncs that find nothing (the second one skips what the first read), then the change.
                    JsonNode empty = sync(server, s.bob(), since);
                    assertThat(seen(empty, s.roomId())).as("before %s", expected.get(i)).isEmpty();
                    since = next(sync(server, s.bob(), next(empty)));
                    changes.get(i).run();
                    JsonNode after = sync(server, s.bob(), since);
                    assertThat(seen(after, s.roomId())).as("round %s", round).containsExactly(expected.get(i));
                    // The same since again (a lost answer) still gets it; the next one does not.
                    assertThat(seen(sync(server, s.bob(), since), s.roomId())).containsExactly(expected.get(i));
                    since = next(after);
                    assertThat(seen(sync(server, s.bob(), since), s.roomId())).as("after %s", expected.get(i))
                            .isEmpty();
                }
            }
        }
    }

    @OnEveryDatabase
    void aRestartForgetsWhatWasKeptInMemoryButNoChange(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            Setup s = setup(server);
            String since = next(sync(server, s.bob(), null));
            String start = next(sync(server, s.bob(), since)); // primes the skipping of every source
            List<String> expected = new ArrayList<>();
            changes(server, s, expected, "r").forEach(Runnable::run);
            String late = next(sync(server, s.bob(), start)); // everything read once before the restart

            server.restart();

            assertThat(seen(sync(server, s.bob(), start), s.roomId())).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(seen(sync(server, s.bob(), late), s.roomId())).isEmpty();
            toDevice(server, s.alice(), s.bob(), "after", "after");
            accountData(server, s.bob(), "x.after");
            assertThat(seen(sync(server, s.bob(), late), s.roomId()))
                    .containsExactlyInAnyOrder("to_device:after", "data:x.after");
        }
    }

    /**
     * Four writers (to-device messages, global and room account data, receipts) change bob's streams while
     * bob long-polls from each answer's next_batch; every change must arrive.
     */
    @OnEveryDatabase
    void concurrentChangesAllReachALongPollingLoop(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            Setup s = setup(server);
            int n = 15;
            List<String> events = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                events.add(RoomClient.message(server, s.alice().token(), s.roomId(), "c" + i, "c" + i).json()
                        .path("event_id").asText());
            }
            Set<String> expected = ConcurrentHashMap.newKeySet();
            String since = next(sync(server, s.bob(), null));
            since = next(sync(server, s.bob(), since));
            List<Thread> writers = List.of(
                    Thread.ofVirtual().start(() -> {
                        for (int i = 0; i < n; i++) {
                            toDevice(server, s.alice(), s.bob(), "c" + i, "c" + i);
                            expected.add("to_device:c" + i);
                        }
                    }),
                    Thread.ofVirtual().start(() -> {
                        for (int i = 0; i < n; i++) {
                            accountData(server, s.bob(), "x.c" + i);
                            expected.add("data:x.c" + i);
                        }
                    }),
                    Thread.ofVirtual().start(() -> {
                        for (int i = 0; i < n; i++) {
                            roomAccountData(server, s.bob(), s.roomId(), "x.rc" + i);
                            expected.add("room_data:x.rc" + i);
                        }
                    }),
                    Thread.ofVirtual().start(() -> {
                        for (String event : events) {
                            receipt(server, s.alice(), s.roomId(), event);
                        }
                    }));
            Set<String> seen = new HashSet<>();
            Set<String> receipts = new HashSet<>();
            long deadline = System.nanoTime() + 60_000_000_000L;
            boolean writing = true;
            while (System.nanoTime() < deadline) {
                Reply reply = server.get(V3 + "/sync?timeout=500&since=" + since, s.bob().token());
                assertThat(reply.status()).isEqualTo(200);
                for (String item : seen(reply.json(), s.roomId())) {
                    (item.startsWith("receipt:") ? receipts : seen).add(item);
                }
                since = next(reply.json());
                if (!writing && seen.containsAll(expected) && receipts.contains("receipt:" + events.getLast())) {
                    break;
                }
                writing = writers.stream().anyMatch(Thread::isAlive);
            }
            for (Thread writer : writers) {
                writer.join();
            }
            assertThat(expected).hasSize(3 * n);
            assertThat(seen).containsAll(expected);
            assertThat(receipts).contains("receipt:" + events.getLast());
        }
    }
}
