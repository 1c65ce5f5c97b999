package dev.starling.server.rooms;

import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.message;
import static dev.starling.server.rooms.RoomClient.register;
import static dev.starling.server.rooms.RoomClient.room;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.Database;
import dev.starling.server.storage.Dialect;
import dev.starling.server.storage.OnEveryDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The send pipeline (EventSender, RoomTip): sends to one room are built under its lock and commit after it,
 * several to a group commit. Concurrent sends must still be committed, distinct and form one chain in stream
 * order; state they change must be seen by the sends built after them; a send that fails to commit must not
 * take the room's later sends with it.
 */
class RoomSendPipelineHttpTest {
    /** One stored event of the room, in stream order. */
    private record Row(String eventId, long ordering, long depth, String type, String json) {}

    @OnEveryDatabase
    void concurrentSendsToOneRoomAreCommittedOrderedAndDistinct(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(server.post(room(roomId) + "/join", "{}", bob).status()).isEqualTo(200);
            List<Future<Reply>> sends = new ArrayList<>();
            List<Future<Reply>> topics = new ArrayList<>();
            List<Future<Reply>> repeats = new ArrayList<>();
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 60; i++) {
                    int n = i;
                    String token = n % 2 == 0 ? alice : bob;
                    sends.add(executor.submit(() -> message(server, token, roomId, "t" + n, "m" + n)));
                    if (n % 10 == 0) {
                        topics.add(executor.submit(() -> server.put(room(roomId) + "/state/m.room.topic/",
                                "{\"topic\":\"topic " + n + "\"}", alice)));
                        // The same transaction as a send racing it: both answer the one event.
                        repeats.add(executor.submit(() -> message(server, token, roomId, "t" + n, "m" + n)));
                    }
                }
            }
            Set<String> ids = new HashSet<>();
            for (Future<Reply> send : sends) {
                assertThat(send.get().status()).as(send.get().json().toString()).isEqualTo(200);
                ids.add(send.get().json().path("event_id").asText());
            }
            assertThat(ids).hasSize(60);
            for (Future<Reply> topic : topics) {
                assertThat(topic.get().status()).as(topic.get().json().toString()).isEqualTo(200);
            }
            for (int i = 0; i < repeats.size(); i++) {
                assertThat(repeats.get(i).get().json().path("event_id").asText())
                        .isEqualTo(sends.get(i * 10).get().json().path("event_id").asText());
            }
            assertThat(server.queryLong("SELECT COUNT(*) FROM events WHERE type = 'm.room.message'")).isEqualTo(60);
            assertOneChain(server, roomId);
            // The current topic is the one sent last in stream order, and the room's snapshot says so too.
            Reply state = server.get(room(roomId) + "/state/m.room.topic/", alice);
            List<Row> rows = rows(server, roomId);
            String lastTopic = rows.stream().filter(r -> r.type().equals("m.room.topic")).reduce((a, b) -> b)
                    .orElseThrow().json();
            assertThat(lastTopic).contains("\"topic\":\"" + state.json().path("topic").asText() + "\"");
            // Each message's stored state snapshot holds the topic sent before it in stream order.
            assertSnapshotsFollowTheChain(server, rows);
            // A send after the burst still builds on the last event.
            Reply after = message(server, bob, roomId, "after", "after");
            assertThat(after.status()).isEqualTo(200);
            assertOneChain(server, roomId);
        }
    }

    @OnEveryDatabase
    void aSendThatFailsToCommitDoesNotTakeTheRoomsLaterSendsWithIt(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{}");
            failInsertsOfEventsContaining(server, "boom");
            List<Future<Reply>> sends = new ArrayList<>();
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 40; i++) {
                    int n = i;
                    sends.add(executor.submit(() -> message(server, alice, roomId, "t" + n,
                            n % 7 == 3 ? "boom" + n : "m" + n)));
                }
            }
            int failed = 0;
            for (int i = 0; i < sends.size(); i++) {
                Reply reply = sends.get(i).get();
                if (i % 7 == 3) {
                    assertThat(reply.status()).isEqualTo(500);
                    assertThat(reply.errcode()).isEqualTo("M_UNKNOWN");
                    failed++;
                } else {
                    assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
                }
            }
            assertThat(server.queryLong("SELECT COUNT(*) FROM events WHERE type = 'm.room.message'"))
                    .isEqualTo(40 - failed);
            assertThat(server.queryLong("SELECT COUNT(*) FROM txn_ids")).isEqualTo(40 - failed);
            assertOneChain(server, roomId);
            // A failed transaction ID may be sent again, and is then stored.
            Reply again = message(server, alice, roomId, "t3", "m3");
            assertThat(again.status()).isEqualTo(200);
            assertOneChain(server, roomId);
        }
    }

    @Test
    void sendsToOneRoomQueueBehindEachOtherAndShareAGroupCommit() throws Exception {
        try (TestHomeServer server = TestHomeServer.start(Backend.SQLITE, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{}");
            assertThat(message(server, alice, roomId, "first", "first").status()).isEqualTo(200);
            Database db = server.database();
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<Future<Reply>> sends = new ArrayList<>();
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                // The writer runs this transaction until released, so the sends' transactions queue up.
                Future<?> blocker = executor.submit(() -> db.inTransaction(c -> {
                    started.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return null;
                }));
                assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
                for (int i = 0; i < 10; i++) {
                    int n = i;
                    sends.add(executor.submit(() -> message(server, alice, roomId, "q" + n, "q" + n)));
                }
                // With the commit awaited under the room's lock only one of them could be queued at a time.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (db.queuedWrites() < 10) {
                    assertThat(System.nanoTime()).as("ten sends to one room queued at once").isLessThan(deadline);
                    Thread.sleep(5);
                }
                Database.CommitStats before = db.commitStats().orElseThrow();
                release.countDown();
                blocker.get(30, TimeUnit.SECONDS);
                for (Future<Reply> send : sends) {
                    assertThat(send.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
                }
                Database.CommitStats after = db.commitStats().orElseThrow();
                // One commit per send when each waited for its commit under the lock; here they share commits
                // (other writes of the requests, if any, may add a few).
                assertThat(after.commits() - before.commits()).as("commits for the blocker and the ten sends")
                        .isLessThan(10);
            }
            assertOneChain(server, roomId);
        }
    }

    /** Every event of the room names exactly the one before it in stream order; depth grows by one; one extremity. */
    private static void assertOneChain(TestHomeServer server, String roomId) {
        List<Row> rows = rows(server, roomId);
        for (int i = 1; i < rows.size(); i++) {
            Row row = rows.get(i);
            String previous = rows.get(i - 1).eventId();
            assertThat(prevEvents(server, row.eventId())).as("prev_events of event %d", i).containsExactly(previous);
            assertThat(row.depth()).isEqualTo(rows.get(i - 1).depth() + 1);
        }
        assertThat(server.queryLong("SELECT COUNT(*) FROM room_forward_extremities WHERE room_id = '" + roomId + "'"))
                .isEqualTo(1);
        assertThat(server.queryLong("SELECT COUNT(*) FROM room_forward_extremities WHERE event_id = '"
                + rows.get(rows.size() - 1).eventId() + "'")).isEqualTo(1);
        assertThat(server.queryLong("SELECT MAX(stream_ordering) FROM events")).isEqualTo(
                rows.get(rows.size() - 1).ordering());
    }

    /** A message's state snapshot names, for the topic, the last topic event before it in stream order. */
    private static void assertSnapshotsFollowTheChain(TestHomeServer server, List<Row> rows) {
        long lastTopic = -1;
        for (Row row : rows) {
            if (row.type().equals("m.room.topic")) {
                lastTopic = row.ordering();
            } else if (row.type().equals("m.room.message") && lastTopic > 0) {
                long sameGroup = server.queryLong("SELECT COUNT(*) FROM events m JOIN events t ON t.state_group = "
                        + "m.state_group WHERE m.event_id = '" + row.eventId() + "' AND t.stream_ordering = " + lastTopic);
                assertThat(sameGroup).as("snapshot of %s", row.eventId()).isEqualTo(1);
            }
        }
    }

    private static List<Row> rows(TestHomeServer server, String roomId) {
        return server.database().read(c -> {
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT event_id, stream_ordering, depth, type, json "
                    + "FROM events WHERE room_id = ? ORDER BY stream_ordering")) {
                s.setString(1, roomId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(new Row(r.getString(1), r.getLong(2), r.getLong(3), r.getString(4), r.getString(5)));
                    }
                }
            }
            return rows;
        });
    }

    private static List<String> prevEvents(TestHomeServer server, String eventId) {
        return server.database().read(c -> {
            List<String> prev = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT x.prev_event_id FROM event_edges x"
                    + " JOIN events e ON e.stream_ordering = x.event_ordering WHERE e.event_id = ?")) {
                s.setString(1, eventId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        prev.add(r.getString(1));
                    }
                }
            }
            return prev;
        });
    }

    /** A trigger that makes the database refuse to store any event whose JSON contains {@code marker}. */
    private static void failInsertsOfEventsContaining(TestHomeServer server, String marker) {
        server.database().inTransaction(c -> {
            execute(c, server.database().dialect() == Dialect.SQLITE
                    ? "CREATE TRIGGER refuse_marked BEFORE INSERT ON events WHEN NEW.json LIKE '%" + marker + "%' "
                            + "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                    : "CREATE FUNCTION refuse_marked() RETURNS trigger AS $$ BEGIN IF NEW.json LIKE '%" + marker
                            + "%' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ "
                            + "LANGUAGE plpgsql");
            if (server.database().dialect() == Dialect.POSTGRESQL) {
                execute(c, "CREATE TRIGGER refuse_marked BEFORE INSERT ON events FOR EACH ROW "
                        + "EXECUTE FUNCTION refuse_marked()");
            }
            return null;
        });
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
