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
 * reader. PostgreSQL has no single writer: every new event is read.
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
            assertThat(timeline(sync(server, bob, bobSince), roomId)).containsExactly("m.room.message m7",
                    "m.room.message m8");
            assertThat(windows.reads() - readsBeforeHeld).as("hand-offs queued while a reader held the window")
                    .isEqualTo(backend == Backend.SQLITE ? 0 : 1);
        }
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
        List<String> events = new ArrayList<>();
        sync.path("rooms").path("join").path(roomId).path("timeline").path("events").forEach(e -> events.add(
                e.path("type").asText() + " " + (e.path("type").asText().equals("m.room.member")
                        ? e.path("content").path("membership").asText() : e.path("content").path("body").asText())));
        return events;
    }
}
