package dev.starling.server.push;

import static dev.starling.server.SideChannels.message;
import static dev.starling.server.SideChannels.since;
import static dev.starling.server.SideChannels.sync;
import static dev.starling.server.push.UnreadCountsHttpTest.unread;
import static dev.starling.server.rooms.RoomClient.path;
import static dev.starling.server.rooms.RoomClient.room;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.SideChannels;
import dev.starling.server.TestHomeServer;
import dev.starling.server.rooms.RoomClient;
import dev.starling.server.rooms.RoomEvents;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.Database;
import dev.starling.server.storage.OnEveryDatabase;
import dev.starling.server.sync.Notifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The unread counts of /sync come from memory (the read-up-to marks, the member positions, the rooms' recent
 * event windows, the prepared rulesets): each answer must equal a count made only from the database at the same
 * position — by a fresh source with nothing kept and no windows — through receipts, own events, rule and state
 * changes, leaves and joins, concurrent senders and a restart.
 */
class MemoryUnreadCountsHttpTest {
    private static final UserId ALICE = UserId.parse("@alice:example.org");

    private static long[] counts(JsonNode sync, String roomId) {
        JsonNode unread = unread(sync, roomId);
        return new long[] {unread.path("notification_count").asLong(), unread.path("highlight_count").asLong()};
    }

    /** The position of a {@code next_batch} ({@code s<position>_<ephemeral>}). */
    private static long position(JsonNode sync) {
        String token = sync.path("next_batch").asText();
        return Long.parseLong(token.substring(1, token.indexOf('_')));
    }

    /** Counts from the database alone, at the sync's position. */
    private static long[] fromDatabase(TestHomeServer server, JsonNode sync, String roomId) {
        Database db = server.database();
        UnreadCountsSyncSource fresh = new UnreadCountsSyncSource(db, new RoomEvents(db),
                new PushRules(db, new Notifier()));
        List<PushRule> ruleset = new PushRules(db, new Notifier()).ruleset(ALICE);
        return fresh.counts(ALICE, RoomId.parse(roomId), ruleset, position(sync));
    }

    /** How many compared answers had a non-zero notification count. */
    private int counted;

    private JsonNode checked(TestHomeServer server, String token, String since, String roomId) {
        JsonNode answer = sync(server, token, since);
        if (unread(answer, roomId).isObject() && !unread(answer, roomId).isEmpty()) {
            assertThat(counts(answer, roomId)).as(answer.toString())
                    .containsExactly(fromDatabase(server, answer, roomId));
            counted += counts(answer, roomId)[0] > 0 ? 1 : 0;
        }
        return answer;
    }

    @OnEveryDatabase
    void everyAnswerEqualsTheDatabase(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            String roomId = p.roomId();
            String carol = RoomClient.register(server, "carol");
            assertThat(RoomClient.membership(server, carol, roomId, "join", null).status()).isEqualTo(200);
            JsonNode last = checked(server, p.alice(), "", roomId);
            for (int round = 0; round < 6; round++) {
                String mine = null;
                for (int i = 0; i < 12; i++) {
                    String id = message(server, i % 3 == 0 ? carol : p.bob(), roomId, "r" + round + "m" + i,
                            i % 4 == 0 ? "hey alice" : "n" + i);
                    if (i == 5) {
                        mine = id;
                    }
                    if (i % 5 == 0) {
                        last = checked(server, p.alice(), since(last), roomId);
                    }
                }
                switch (round) {
                    case 0 -> assertThat(server.post(room(roomId) + "/receipt/m.read/" + path(mine), "{}", p.alice())
                            .status()).isEqualTo(200);
                    case 1 -> assertThat(server.post(room(roomId) + "/receipt/m.read.private/" + path(mine), "{}",
                            p.alice()).status()).isEqualTo(200);
                    case 2 -> message(server, p.alice(), roomId, "own" + round, "alice speaks");
                    case 3 -> assertThat(server.put(RoomClient.V3 + "/pushrules/global/content/n3",
                            "{\"pattern\":\"n3\",\"actions\":[\"notify\",{\"set_tweak\":\"highlight\"}]}", p.alice())
                            .status()).isEqualTo(200);
                    case 4 -> {
                        ObjectNode levels = (ObjectNode) server.get(room(roomId) + "/state/m.room.power_levels/",
                                p.alice()).json();
                        levels.putObject("notifications").put("room", 0);
                        assertThat(server.put(room(roomId) + "/state/m.room.power_levels/", levels.toString(),
                                p.alice()).status()).isEqualTo(200);
                    }
                    default -> {
                        // Alice leaves and joins again: the count starts at her new join.
                        assertThat(RoomClient.membership(server, p.alice(), roomId, "leave", null).status())
                                .isEqualTo(200);
                        message(server, p.bob(), roomId, "while-away", "hey alice");
                        last = checked(server, p.alice(), since(last), roomId);
                        assertThat(RoomClient.membership(server, p.alice(), roomId, "join", null).status())
                                .isEqualTo(200);
                    }
                }
                message(server, p.bob(), roomId, "after" + round, "hey alice, @room");
                last = checked(server, p.alice(), since(last), roomId);
                last = checked(server, p.alice(), since(last), roomId);
            }
            assertThat(counted).as("answers with something counted").isGreaterThan(10);

            server.restart();
            String bob = p.bob();
            String alice = p.alice();
            message(server, bob, roomId, "after-restart", "hey alice");
            JsonNode afterRestart = checked(server, alice, since(last), roomId);
            message(server, bob, roomId, "after-restart-2", "two");
            checked(server, alice, since(afterRestart), roomId);
        }
    }

    /** Senders write while Alice syncs: each of her answers equals the database at its position. */
    @OnEveryDatabase
    void concurrentSendersGiveTheDatabasesCounts(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            String roomId = p.roomId();
            String carol = RoomClient.register(server, "carol");
            assertThat(RoomClient.membership(server, carol, roomId, "join", null).status()).isEqualTo(200);
            JsonNode last = checked(server, p.alice(), "", roomId);
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            try {
                List<Future<?>> senders = new ArrayList<>();
                for (String token : List.of(p.bob(), carol)) {
                    senders.add(pool.submit(() -> {
                        for (int i = 0; i < 40; i++) {
                            message(server, token, roomId, "c" + i, i % 7 == 0 ? "hey alice" : "c" + i);
                        }
                    }));
                }
                int syncs = 0;
                while (senders.stream().anyMatch(f -> !f.isDone()) || syncs < 5) {
                    last = checked(server, p.alice(), since(last), roomId);
                    if (syncs++ == 3) {
                        message(server, p.alice(), roomId, "alice", "alice speaks");
                    }
                }
                for (Future<?> f : senders) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            checked(server, p.alice(), since(last), roomId);
            assertThat(counted).as("answers with something counted").isPositive();
        }
    }
}
