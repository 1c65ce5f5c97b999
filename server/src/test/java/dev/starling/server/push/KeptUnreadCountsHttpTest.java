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
import dev.starling.server.SideChannels;
import dev.starling.server.TestHomeServer;
import dev.starling.server.rooms.RoomClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/**
 * Unread counts are kept per user and room between syncs and extended by the newer events only
 * ({@link KeptCounts}): every answer must equal a count from scratch, whatever changed in between.
 */
class KeptUnreadCountsHttpTest {
    private static long[] counts(JsonNode sync, String roomId) {
        JsonNode unread = unread(sync, roomId);
        return new long[] {unread.path("notification_count").asLong(), unread.path("highlight_count").asLong()};
    }

    @OnEveryDatabase
    void countsGrowWithNewEventsAndResetAtTheUsersOwn(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            message(server, p.bob(), p.roomId(), "t1", "one");
            JsonNode first = sync(server, p.alice(), "");
            assertThat(counts(first, p.roomId())).containsExactly(1, 0);
            message(server, p.bob(), p.roomId(), "t2", "two");
            message(server, p.bob(), p.roomId(), "t3", "hey alice");
            JsonNode second = sync(server, p.alice(), since(first));
            assertThat(counts(second, p.roomId())).as("kept 1 + two newer, one a mention").containsExactly(3, 1);
            assertThat(counts(sync(server, p.alice(), ""), p.roomId())).as("from scratch, the same")
                    .containsExactly(3, 1);

            message(server, p.alice(), p.roomId(), "t4", "alice reads by speaking");
            message(server, p.bob(), p.roomId(), "t5", "four");
            JsonNode third = sync(server, p.alice(), since(second));
            assertThat(counts(third, p.roomId())).as("only what came after alice's own").containsExactly(1, 0);

            for (int i = 0; i < UnreadCountsSyncSource.MAX_EVALUATED + 3; i++) {
                message(server, p.bob(), p.roomId(), "m" + i, "m" + i);
            }
            JsonNode bound = sync(server, p.alice(), since(third));
            assertThat(counts(bound, p.roomId())[0]).as("the bound holds across kept counts")
                    .isEqualTo(UnreadCountsSyncSource.MAX_EVALUATED);
            message(server, p.bob(), p.roomId(), "after", "one more");
            assertThat(counts(sync(server, p.alice(), since(bound)), p.roomId())[0])
                    .isEqualTo(UnreadCountsSyncSource.MAX_EVALUATED);
        }
    }

    @OnEveryDatabase
    void aReceiptMovesTheStart(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            message(server, p.bob(), p.roomId(), "t1", "one");
            String second = message(server, p.bob(), p.roomId(), "t2", "two");
            JsonNode first = sync(server, p.alice(), "");
            assertThat(counts(first, p.roomId())).containsExactly(2, 0);
            assertThat(server.post(room(p.roomId()) + "/receipt/m.read/" + path(second), "{}", p.alice()).status())
                    .isEqualTo(200);
            message(server, p.bob(), p.roomId(), "t3", "three");
            assertThat(counts(sync(server, p.alice(), since(first)), p.roomId())).containsExactly(1, 0);
        }
    }

    /** A redaction after a kept count: the answer is the count from scratch, whatever the rules make of it. */
    @OnEveryDatabase
    void aRedactionAnswersAsFromScratch(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            String mention = message(server, p.bob(), p.roomId(), "t1", "hey alice");
            JsonNode first = sync(server, p.alice(), "");
            assertThat(counts(first, p.roomId())).containsExactly(1, 1);
            assertThat(server.put(room(p.roomId()) + "/redact/" + path(mention) + "/r1", "{}", p.bob()).status())
                    .isEqualTo(200);
            long[] incremental = counts(sync(server, p.alice(), since(first)), p.roomId());
            assertThat(incremental).containsExactly(counts(sync(server, p.alice(), ""), p.roomId()));
        }
    }

    /** Another member changes the room's state: conditions see the new state, for the counted events too. */
    @OnEveryDatabase
    void aStateChangeByAnotherMemberCountsAgain(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            String carol = RoomClient.register(server, "carol");
            assertThat(RoomClient.membership(server, carol, p.roomId(), "join", null).status()).isEqualTo(200);
            message(server, p.bob(), p.roomId(), "t1", "@room look");
            JsonNode first = sync(server, carol, "");
            assertThat(counts(first, p.roomId())).as("bob (level 0) may not notify the room").containsExactly(1, 0);

            ObjectNode levels = (ObjectNode) server.get(room(p.roomId()) + "/state/m.room.power_levels/", p.alice())
                    .json();
            levels.putObject("notifications").put("room", 0);
            assertThat(server.put(room(p.roomId()) + "/state/m.room.power_levels/", levels.toString(), p.alice())
                    .status()).isEqualTo(200);
            assertThat(counts(sync(server, carol, since(first)), p.roomId()))
                    .as("now he may: the kept count was for the old power levels").containsExactly(1, 1);
        }
    }

    /** A rule change with nothing new in the room: the kept count was for the old rules. */
    @OnEveryDatabase
    void aRuleChangeCountsAgain(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            message(server, p.bob(), p.roomId(), "t1", "hello");
            JsonNode first = sync(server, p.alice(), "");
            assertThat(counts(first, p.roomId())).containsExactly(1, 0);
            assertThat(server.put(RoomClient.V3 + "/pushrules/global/content/hello",
                    "{\"pattern\":\"hello\",\"actions\":[\"notify\",{\"set_tweak\":\"highlight\"}]}", p.alice())
                    .status()).isEqualTo(200);
            assertThat(counts(sync(server, p.alice(), since(first) + "&full_state=true"), p.roomId()))
                    .containsExactly(1, 1);
        }
    }
}
