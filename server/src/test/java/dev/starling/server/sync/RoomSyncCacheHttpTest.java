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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rooms part of /sync read from memory (rooms/EventWindows, MembershipCache, RoomChanges; sync/README.md
 * "Skipping reads"): timelines served from the rooms' windows are exactly what the database holds — under
 * concurrent writers, with history visibility applied per event and user, past the window's size, after
 * memberships change, and after a restart. On every database.
 */
class RoomSyncCacheHttpTest {
    /** A timeline limit above what any test sends between two syncs: no gaps. */
    private static final String ALL = "{\"room\":{\"timeline\":{\"limit\":500}}}";

    private static JsonNode sync(TestHomeServer server, User user, String since, String filter) {
        Reply reply = server.get(V3 + "/sync?timeout=0" + (since == null ? "" : "&since=" + since)
                + (filter == null ? "" : "&filter=" + RoomClient.path(filter)), user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json();
    }

    private static JsonNode sync(TestHomeServer server, User user, String since) {
        return sync(server, user, since, null);
    }

    private static String next(JsonNode sync) {
        return sync.path("next_batch").asText();
    }

    /** The bodies of the room's messages in the sync's timeline, in order. */
    private static List<String> bodies(JsonNode sync, String section, String roomId) {
        List<String> bodies = new ArrayList<>();
        sync.path("rooms").path(section).path(roomId).path("timeline").path("events").forEach(e -> {
            if (e.path("type").asText().equals("m.room.message")) {
                bodies.add(e.path("content").path("body").asText());
            }
        });
        return bodies;
    }

    private static String message(TestHomeServer server, User user, String roomId, String body) {
        Reply reply = RoomClient.message(server, user.token(), roomId, body, body);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().path("event_id").asText();
    }

    private static String room(TestHomeServer server, User owner, String preset, User... joiners) {
        String roomId = RoomClient.createRoom(server, owner.token(), "{\"preset\":\"" + preset + "\"}");
        for (User joiner : joiners) {
            assertThat(RoomClient.membership(server, joiner.token(), roomId, "join", null).status()).isEqualTo(200);
        }
        return roomId;
    }

    /**
     * Three writers send to two rooms while three members follow next_batch: each member receives every message
     * of its rooms exactly once, in each writer's order; a user sees nothing of a room they are not in.
     */
    @OnEveryDatabase
    void concurrentWritersReachEveryMemberExactlyOnceInOrder(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = KeysClient.register(server, "alice");
            User bob = KeysClient.register(server, "bob");
            User carol = KeysClient.register(server, "carol");
            String both = room(server, alice, "public_chat", bob, carol);
            String aliceAndBob = room(server, alice, "public_chat", bob);
            List<User> readers = List.of(alice, bob, carol);
            Map<User, String> since = new HashMap<>();
            for (User reader : readers) {
                since.put(reader, next(sync(server, reader, next(sync(server, reader, null)))));
            }
            int n = 25;
            List<String> writersRooms = List.of(both, aliceAndBob, both);
            List<User> writers = List.of(alice, bob, carol);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers.size(); w++) {
                User writer = writers.get(w);
                String roomId = writersRooms.get(w);
                String tag = "w" + w + "-";
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < n; i++) {
                        message(server, writer, roomId, tag + i);
                    }
                }));
            }
            Map<User, Map<String, List<String>>> seen = new HashMap<>();
            readers.forEach(r -> seen.put(r, new HashMap<>(Map.of(both, new ArrayList<>(), aliceAndBob, new ArrayList<>()))));
            long deadline = System.nanoTime() + 90_000_000_000L;
            while (System.nanoTime() < deadline) {
                boolean writing = threads.stream().anyMatch(Thread::isAlive);
                for (User reader : readers) {
                    Reply reply = server.get(V3 + "/sync?timeout=200&since=" + since.get(reader) + "&filter="
                            + RoomClient.path(ALL), reader.token());
                    assertThat(reply.json().path("rooms").path("join").path(both).path("timeline").path("limited")
                            .asBoolean()).isFalse();
                    assertThat(reply.status()).isEqualTo(200);
                    for (String roomId : List.of(both, aliceAndBob)) {
                        seen.get(reader).get(roomId).addAll(bodies(reply.json(), "join", roomId));
                    }
                    since.put(reader, next(reply.json()));
                }
                if (!writing) {
                    break;
                }
            }
            for (Thread thread : threads) {
                thread.join();
            }
            for (User reader : readers) { // one more round: what the last writes committed
                JsonNode last = sync(server, reader, since.get(reader), ALL);
                for (String roomId : List.of(both, aliceAndBob)) {
                    seen.get(reader).get(roomId).addAll(bodies(last, "join", roomId));
                }
            }
            for (User reader : readers) {
                List<String> inBoth = seen.get(reader).get(both);
                assertThat(inBoth).as(reader.userId()).hasSize(2 * n).doesNotHaveDuplicates();
                assertThat(inBoth.stream().filter(b -> b.startsWith("w0-")).toList()).isEqualTo(tags("w0-", n));
                assertThat(inBoth.stream().filter(b -> b.startsWith("w2-")).toList()).isEqualTo(tags("w2-", n));
                List<String> inOther = seen.get(reader).get(aliceAndBob);
                assertThat(inOther).as(reader.userId()).isEqualTo(reader == carol ? List.of() : tags("w1-", n));
            }
            // The timelines agree with /messages (the database), order included.
            JsonNode messages = server.get(RoomClient.room(both) + "/messages?dir=f&limit=500", bob.token()).json();
            List<String> stored = new ArrayList<>();
            messages.path("chunk").forEach(e -> {
                if (e.path("type").asText().equals("m.room.message")) {
                    stored.add(e.path("content").path("body").asText());
                }
            });
            assertThat(seen.get(bob).get(both)).isEqualTo(stored);
            assertThat(seen.get(carol).get(both)).isEqualTo(stored);
        }
    }

    private static List<String> tags(String prefix, int n) {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tags.add(prefix + i);
        }
        return tags;
    }

    /**
     * History visibility is applied per user to events served from a room's window: with "joined", a user who
     * joins later sees nothing from before the join though the window (filled by another member's sync) holds
     * it; a user who left sees nothing after the leave, and the room no more.
     */
    @OnEveryDatabase
    void historyVisibilityIsAppliedToWindowedEventsPerUser(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = KeysClient.register(server, "alice");
            User bob = KeysClient.register(server, "bob");
            User carol = KeysClient.register(server, "carol");
            String roomId = room(server, alice, "public_chat", bob);
            assertThat(server.put(RoomClient.room(roomId) + "/state/m.room.history_visibility/",
                    "{\"history_visibility\":\"joined\"}", alice.token()).status()).isEqualTo(200);
            String bobSince = next(sync(server, bob, next(sync(server, bob, null))));
            String carolSince = next(sync(server, carol, next(sync(server, carol, null))));
            message(server, alice, roomId, "before carol");
            JsonNode bobSees = sync(server, bob, bobSince); // fills the window
            assertThat(bodies(bobSees, "join", roomId)).containsExactly("before carol");
            assertThat(RoomClient.membership(server, carol.token(), roomId, "join", null).status()).isEqualTo(200);
            message(server, alice, roomId, "after carol");
            assertThat(bodies(sync(server, bob, next(bobSees)), "join", roomId)).containsExactly("after carol");
            JsonNode carolSees = sync(server, carol, carolSince);
            assertThat(bodies(carolSees, "join", roomId)).containsExactly("after carol");
            // The same since again (memberships and window known now): the same answer.
            assertThat(bodies(sync(server, carol, carolSince), "join", roomId)).containsExactly("after carol");

            String carolNext = next(carolSees);
            assertThat(RoomClient.membership(server, carol.token(), roomId, "leave", null).status()).isEqualTo(200);
            message(server, alice, roomId, "after carol left");
            JsonNode left = sync(server, carol, carolNext);
            assertThat(left.path("rooms").path("join").has(roomId)).isFalse();
            assertThat(left.path("rooms").path("leave").has(roomId)).isTrue();
            assertThat(bodies(left, "leave", roomId)).isEmpty();
            message(server, alice, roomId, "later still");
            JsonNode after = sync(server, carol, next(left));
            assertThat(after.path("rooms").path("join").has(roomId)).isFalse();
            assertThat(after.path("rooms").path("leave").has(roomId)).isFalse();
            assertThat(bodies(sync(server, bob, next(bobSees)), "join", roomId))
                    .containsExactly("after carol", "after carol left", "later still");
        }
    }

    /**
     * More new events than a window holds, a since older than the window, and a small timeline limit: limited
     * timelines and prev_batch as when read from the database, nothing missing.
     */
    @OnEveryDatabase
    void moreThanAWindowFallsBackToTheDatabase(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = KeysClient.register(server, "alice");
            User bob = KeysClient.register(server, "bob");
            String roomId = room(server, alice, "public_chat", bob);
            String old = next(sync(server, bob, next(sync(server, bob, null))));
            int n = 130;
            for (int i = 0; i < n; i++) {
                message(server, alice, roomId, "m" + i);
            }
            String all = ALL;
            assertThat(bodies(sync(server, bob, old, all), "join", roomId)).isEqualTo(tags("m", n));
            String mid = next(sync(server, bob, old, all));
            message(server, alice, roomId, "x");
            JsonNode small = sync(server, bob, old, "{\"room\":{\"timeline\":{\"limit\":5}}}");
            JsonNode timeline = small.path("rooms").path("join").path(roomId).path("timeline");
            assertThat(timeline.path("limited").asBoolean()).isTrue();
            List<String> expected = new ArrayList<>(tags("m", n).subList(n - 4, n));
            expected.add("x");
            assertThat(bodies(small, "join", roomId)).isEqualTo(expected);
            String prev = timeline.path("prev_batch").asText();
            JsonNode page = server.get(RoomClient.room(roomId) + "/messages?dir=b&limit=1&from=" + prev,
                    bob.token()).json();
            assertThat(page.path("chunk").get(0).path("content").path("body").asText()).isEqualTo("m" + (n - 5));
            JsonNode fromMid = sync(server, bob, mid, all);
            assertThat(bodies(fromMid, "join", roomId)).containsExactly("x");
            assertThat(fromMid.path("rooms").path("join").path(roomId).path("timeline").path("limited").asBoolean())
                    .isFalse();
            assertThat(bodies(sync(server, bob, next(fromMid), all), "join", roomId)).isEmpty();
        }
    }

    /** A restart forgets windows and memberships: old and new tokens still get exactly what changed after them. */
    @OnEveryDatabase
    void aRestartForgetsTheWindowsButNoEvent(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = KeysClient.register(server, "alice");
            User bob = KeysClient.register(server, "bob");
            String roomId = room(server, alice, "public_chat", bob);
            String start = next(sync(server, bob, next(sync(server, bob, null))));
            message(server, alice, roomId, "one");
            String late = next(sync(server, bob, start));
            server.restart();
            assertThat(bodies(sync(server, bob, start), "join", roomId)).containsExactly("one");
            assertThat(sync(server, bob, late).path("rooms").path("join").has(roomId)).isFalse();
            message(server, alice, roomId, "two");
            assertThat(bodies(sync(server, bob, late), "join", roomId)).containsExactly("two");
            assertThat(bodies(sync(server, bob, start), "join", roomId)).containsExactly("one", "two");
            String second = RoomClient.createRoom(server, alice.token(), "{\"preset\":\"private_chat\"}");
            assertThat(RoomClient.membership(server, alice.token(), second, "invite", bob.userId()).status())
                    .isEqualTo(200);
            assertThat(sync(server, bob, late).path("rooms").path("invite").has(second)).isTrue();
        }
    }
    /** Redacts the event as {@code user}; the redaction's event ID. */
    private static String redact(TestHomeServer server, User user, String roomId, String eventId) {
        Reply redaction = server.put(RoomClient.room(roomId) + "/redact/" + RoomClient.path(eventId) + "/r1",
                "{\"reason\":\"spam\"}", user.token());
        assertThat(redaction.status()).as(redaction.json().toString()).isEqualTo(200);
        return redaction.json().path("event_id").asText();
    }

    /** Edits the event as {@code user} (an {@code m.replace} child); the edit's event ID. */
    private static String edit(TestHomeServer server, User user, String roomId, String eventId) {
        Reply edit = RoomClient.send(server, user.token(), roomId, "e1", "{\"msgtype\":\"m.text\","
                + "\"body\":\"* edited\",\"m.new_content\":{\"msgtype\":\"m.text\",\"body\":\"edited\"},"
                + "\"m.relates_to\":{\"rel_type\":\"m.replace\",\"event_id\":\"" + eventId + "\"}}");
        assertThat(edit.status()).as(edit.json().toString()).isEqualTo(200);
        return edit.json().path("event_id").asText();
    }

    /** The room's timeline events in the sync, by event ID. */
    private static Map<String, JsonNode> timelineById(JsonNode sync, String roomId) {
        Map<String, JsonNode> byId = new HashMap<>();
        sync.path("rooms").path("join").path(roomId).path("timeline").path("events")
                .forEach(e -> byId.put(e.path("event_id").asText(), e));
        return byId;
    }

    /**
     * Events served from a window carry what was stored about them after they entered it — a redaction, an edit,
     * a thread reply — exactly as a read of the database shows them: bob's sync from before them, once they are in
     * the window, and again after each change. (New events that nothing names are served without those reads,
     * rooms.ServedEvents#unnamed; this test fails when the stores do not mark what a redaction or edit names.)
     */
    @OnEveryDatabase
    void redactionsEditsAndThreadsOfEventsInAWindowAreServed(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = KeysClient.register(server, "alice");
            User bob = KeysClient.register(server, "bob");
            String roomId = room(server, alice, "public_chat", bob);
            String before = next(sync(server, bob, null));
            String redacted = message(server, alice, roomId, "to be redacted");
            String edited = message(server, alice, roomId, "to be edited");
            String root = message(server, alice, roomId, "thread root");
            String untouched = message(server, alice, roomId, "untouched");
            Map<String, JsonNode> first = timelineById(sync(server, bob, before, ALL), roomId);
            assertThat(first.keySet()).contains(redacted, edited, root, untouched);
            assertThat(first.get(redacted).path("unsigned").has("redacted_because")).isFalse();

            String redaction = redact(server, alice, roomId, redacted);
            String edit = edit(server, alice, roomId, edited);
            Map<String, JsonNode> second = timelineById(sync(server, bob, before, ALL), roomId);
            assertThat(second.get(redacted).path("unsigned").path("redacted_because").path("event_id").asText())
                    .isEqualTo(redaction);
            assertThat(second.get(redacted).path("content").has("body")).isFalse();
            assertThat(second.get(edited).path("unsigned").path("m.relations").path("m.replace").path("event_id")
                    .asText()).isEqualTo(edit);
            assertThat(second.get(root).path("unsigned").has("m.relations")).isFalse();

            Reply reply = RoomClient.send(server, alice.token(), roomId, "t1", "{\"msgtype\":\"m.text\","
                    + "\"body\":\"in the thread\",\"m.relates_to\":{\"rel_type\":\"m.thread\",\"event_id\":\""
                    + root + "\"}}");
            assertThat(reply.status()).isEqualTo(200);
            Map<String, JsonNode> third = timelineById(sync(server, bob, before, ALL), roomId);
            JsonNode thread = third.get(root).path("unsigned").path("m.relations").path("m.thread");
            assertThat(thread.path("count").asInt()).isEqualTo(1);
            assertThat(thread.path("latest_event").path("event_id").asText())
                    .isEqualTo(reply.json().path("event_id").asText());
            assertThat(third.get(untouched).path("unsigned").has("m.relations")).isFalse();
            assertThat(third.get(untouched).path("unsigned").has("redacted_because")).isFalse();
            assertThat(third.get(redacted).path("unsigned").has("redacted_because")).isTrue();
        }
    }

    /**
     * After a restart nothing is known of what names the events stored before it, so those are served by reading
     * (rooms.ServedEvents#unnamed counts only events stored since the start): a redaction and an edit stored
     * before the restart reach an initial sync, an incremental sync from before them and /messages after it.
     */
    @OnEveryDatabase
    void redactionsAndEditsStoredBeforeARestartAreServedAfterIt(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = KeysClient.register(server, "alice");
            User bob = KeysClient.register(server, "bob");
            String roomId = room(server, alice, "public_chat", bob);
            String before = next(sync(server, bob, null));
            String redacted = message(server, alice, roomId, "to be redacted");
            String edited = message(server, alice, roomId, "to be edited");
            String redaction = redact(server, alice, roomId, redacted);
            String edit = edit(server, alice, roomId, edited);
            server.restart();
            Reply page = server.get(RoomClient.room(roomId) + "/messages?dir=b&limit=50", bob.token());
            assertThat(page.status()).isEqualTo(200);
            Map<String, JsonNode> messages = new HashMap<>();
            page.json().path("chunk").forEach(e -> messages.put(e.path("event_id").asText(), e));
            for (Map<String, JsonNode> served : List.of(timelineById(sync(server, bob, null, ALL), roomId),
                    timelineById(sync(server, bob, before, ALL), roomId), messages)) {
                assertThat(served.get(redacted).path("unsigned").path("redacted_because").path("event_id").asText())
                        .isEqualTo(redaction);
                assertThat(served.get(edited).path("unsigned").path("m.relations").path("m.replace")
                        .path("event_id").asText()).isEqualTo(edit);
            }
        }
    }
}
