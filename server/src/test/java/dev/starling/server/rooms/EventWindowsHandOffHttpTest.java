package dev.starling.server.rooms;

import static dev.starling.server.rooms.RoomClient.V3;
import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.membership;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import dev.starling.server.storage.StreamChanges;
import dev.starling.server.storage.StreamPositions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writer hands each committed local send to its room's /sync window ({@link EventWindows#committed}), so the
 * members syncing a busy room read nothing from the database; a change of the room the writer did not hand over
 * (here a bare committed touch; federation.RemoteEventsSyncHttpTest has events another path stored) breaks
 * the chain, and the next sync reads. A hand-off made while a reader holds the window waits there for the next
 * reader; state events and redactions are handed over too, and a handed-over event is served redacted once its
 * redaction is. PostgreSQL has no single writer: every new event is read.
 */
class EventWindowsHandOffHttpTest {
    @OnEveryDatabase
    void sendsReachTheWindowWithoutAReadAndAnotherPathsEventIsReadNotMissed(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = RoomClient.register(server, "alice");
            String bob = RoomClient.register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            String aliceSince = next(sync(server, alice, null));
            String bobSince = next(sync(server, bob, null));
            send(server, alice, roomId, "m0");
            JsonNode first = sync(server, bob, bobSince); // fills the window: one read
            assertThat(timeline(first, roomId)).containsExactly("m.room.message m0");
            bobSince = next(first);
            EventWindows windows = server.homeServer().rooms().stream().windows();
            long readsBefore = windows.reads();

            for (int i = 1; i <= 5; i++) {
                send(server, alice, roomId, "m" + i);
                JsonNode bobs = sync(server, bob, bobSince);
                assertThat(timeline(bobs, roomId)).containsExactly("m.room.message m" + i);
                bobSince = next(bobs);
            }
            JsonNode alices = sync(server, alice, aliceSince);
            assertThat(timeline(alices, roomId)).containsExactly("m.room.message m0", "m.room.message m1",
                    "m.room.message m2", "m.room.message m3", "m.room.message m4", "m.room.message m5");
            if (backend == Backend.SQLITE) {
                assertThat(windows.reads()).as("five sends synced by two members, no read").isEqualTo(readsBefore);
            } else {
                assertThat(windows.reads()).as("no single writer: each new event read once").isEqualTo(
                        readsBefore + 5);
            }

            // A change of the room committed by another path (federation's, say: here a bare touch at a position
            // of its own): the next send's hand-off finds a change it did not see and is dropped; the next sync
            // reads. (A rolled-back send's touch needs no case: SQLite takes its position again.)
            long readsBeforeOther = windows.reads();
            server.database().inTransaction(c -> {
                StreamChanges.touch(RoomChanges.room(RoomId.parse(roomId)), StreamPositions.next(c));
                return null;
            });
            send(server, alice, roomId, "after another path");
            JsonNode afterOther = sync(server, bob, bobSince);
            assertThat(timeline(afterOther, roomId)).containsExactly("m.room.message after another path");
            assertThat(windows.reads()).as("the broken chain is read once").isEqualTo(readsBeforeOther + 1);
            bobSince = next(afterOther);

            send(server, alice, roomId, "m6");
            long readsBeforeM6 = windows.reads();
            assertThat(timeline(sync(server, bob, bobSince), roomId)).containsExactly("m.room.message m6");
            assertThat(windows.reads() - readsBeforeM6).as("the chain holds again")
                    .isEqualTo(backend == Backend.SQLITE ? 0 : 1);
            bobSince = next(sync(server, bob, bobSince));

            // A reader holds the window while the writer hands two sends over: the writer does not wait, and the
            // hand-offs wait on the window for the next reader, who reads nothing.
            ReentrantLock window = windows.lockOf(RoomId.parse(roomId));
            window.lock();
            try {
                send(server, alice, roomId, "m7");
                send(server, alice, roomId, "m8");
            } finally {
                window.unlock();
            }
            long readsBeforeHeld = windows.reads();
            String beforeHeld = bobSince;
            JsonNode held = sync(server, bob, bobSince);
            assertThat(timeline(held, roomId)).containsExactly("m.room.message m7", "m.room.message m8");
            assertThat(windows.reads() - readsBeforeHeld).as("hand-offs queued while a reader held the window")
                    .isEqualTo(backend == Backend.SQLITE ? 0 : 1);
            bobSince = next(held);

            // A state event and a redaction of a handed-over event are handed over as well; the window keeps the
            // event as stored, and serving applies the redaction.
            String m8 = events(held, roomId).get(1).path("event_id").asText();
            long readsBeforeState = windows.reads();
            assertThat(server.put(RoomClient.room(roomId) + "/state/m.room.topic/", "{\"topic\":\"t\"}", alice)
                    .status()).isEqualTo(200);
            Reply redaction = server.put(RoomClient.room(roomId) + "/redact/" + RoomClient.path(m8) + "/r1",
                    "{\"reason\":\"r\"}", alice);
            assertThat(redaction.status()).as(redaction.json().toString()).isEqualTo(200);
            String redactionId = redaction.json().path("event_id").asText();
            List<JsonNode> stateAndRedaction = events(sync(server, bob, bobSince), roomId);
            assertThat(stateAndRedaction).extracting(e -> e.path("type").asText())
                    .containsExactly("m.room.topic", "m.room.redaction");
            assertThat(stateAndRedaction.get(0).path("content").path("topic").asText()).isEqualTo("t");
            assertThat(stateAndRedaction.get(1).path("redacts").asText()).isEqualTo(m8);
            assertThat(windows.reads() - readsBeforeState).as("a state event and a redaction handed over")
                    .isEqualTo(backend == Backend.SQLITE ? 0 : 1);

            List<JsonNode> again = events(sync(server, bob, beforeHeld), roomId);
            assertThat(again).extracting(e -> e.path("event_id").asText()).startsWith(
                    events(held, roomId).get(0).path("event_id").asText(), m8);
            JsonNode servedM8 = again.get(1);
            assertThat(servedM8.path("content").isEmpty()).as("m8 served redacted: " + servedM8).isTrue();
            assertThat(servedM8.path("unsigned").path("redacted_because").path("event_id").asText())
                    .isEqualTo(redactionId);
        }
    }

    private static List<JsonNode> events(JsonNode sync, String roomId) {
        List<JsonNode> events = new ArrayList<>();
        sync.path("rooms").path("join").path(roomId).path("timeline").path("events").forEach(events::add);
        return events;
    }

    private static void send(TestHomeServer server, String token, String roomId, String body) {
        Reply reply = RoomClient.message(server, token, roomId, body, body);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
    }

    private static JsonNode sync(TestHomeServer server, String token, String since) {
        Reply reply = server.get(V3 + "/sync?timeout=0" + (since == null ? "" : "&since=" + since), token);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json();
    }

    private static String next(JsonNode sync) {
        return sync.path("next_batch").asText();
    }

    /** The room's timeline in the sync as "type body-or-membership", in order. */
    private static List<String> timeline(JsonNode sync, String roomId) {
        return events(sync, roomId).stream().map(e -> e.path("type").asText() + " "
                + (e.path("type").asText().equals("m.room.member") ? e.path("content").path("membership").asText()
                        : e.path("content").path("body").asText())).toList();
    }
}
