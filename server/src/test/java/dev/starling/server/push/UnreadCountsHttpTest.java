package dev.starling.server.push;

import static dev.starling.server.SideChannels.message;
import static dev.starling.server.SideChannels.since;
import static dev.starling.server.SideChannels.sync;
import static dev.starling.server.rooms.RoomClient.V3;
import static dev.starling.server.rooms.RoomClient.path;
import static dev.starling.server.rooms.RoomClient.room;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.SideChannels;
import dev.starling.server.TestHomeServer;
import dev.starling.server.rooms.RoomClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/** unread_notifications in /sync: push rules applied after the read receipt, on every database. */
class UnreadCountsHttpTest {
    static JsonNode unread(JsonNode sync, String roomId) {
        return sync.path("rooms").path("join").path(roomId).path("unread_notifications");
    }

    @OnEveryDatabase
    void messagesCountUntilReadAndMentionsHighlight(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            JsonNode fresh = sync(server, p.alice(), "");
            assertThat(unread(fresh, p.roomId()).path("notification_count").asInt()).isZero();
            assertThat(unread(fresh, p.roomId()).path("highlight_count").asInt()).isZero();

            message(server, p.bob(), p.roomId(), "t0", "before alice spoke");
            message(server, p.alice(), p.roomId(), "t1", "sending marks everything before it read");
            message(server, p.bob(), p.roomId(), "t2", "one");
            message(server, p.bob(), p.roomId(), "t3", "two");
            String third = message(server, p.bob(), p.roomId(), "t4", "hey alice, look");
            JsonNode counted = sync(server, p.alice(), since(fresh));
            assertThat(unread(counted, p.roomId()).path("notification_count").asInt()).isEqualTo(3);
            assertThat(unread(counted, p.roomId()).path("highlight_count").asInt()).as("the localpart").isEqualTo(1);
            assertThat(unread(sync(server, p.bob(), ""), p.roomId()).path("notification_count").asInt())
                    .as("bob's own messages read alice's before them").isZero();

            assertThat(server.post(room(p.roomId()) + "/receipt/m.read.private/" + path(third), "{}", p.alice())
                    .status()).isEqualTo(200);
            JsonNode read = sync(server, p.alice(), since(counted));
            assertThat(unread(read, p.roomId()).path("notification_count").asInt()).as("a private receipt clears")
                    .isZero();
            assertThat(unread(read, p.roomId()).path("highlight_count").asInt()).isZero();

            String mention = message(server, p.bob(), p.roomId(), "t5", "x");
            assertThat(mention).isNotEmpty();
            RoomClient.send(server, p.bob(), p.roomId(), "t6", "{\"msgtype\":\"m.text\",\"body\":\"ping\","
                    + "\"m.mentions\":{\"user_ids\":[\"@alice:example.org\"]}}");
            JsonNode again = sync(server, p.alice(), since(read));
            assertThat(unread(again, p.roomId()).path("notification_count").asInt()).isEqualTo(2);
            assertThat(unread(again, p.roomId()).path("highlight_count").asInt()).isEqualTo(1);
        }
    }

    @OnEveryDatabase
    void theUsersRulesDecide(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            assertThat(server.put(V3 + "/pushrules/global/room/" + path(p.roomId()), "{\"actions\":[]}", p.alice())
                    .status()).isEqualTo(200);
            message(server, p.bob(), p.roomId(), "t1", "muted");
            assertThat(unread(sync(server, p.alice(), ""), p.roomId()).path("notification_count").asInt())
                    .as("a room rule with no actions mutes the room").isZero();
            server.send("DELETE", V3 + "/pushrules/global/room/" + path(p.roomId()), null, p.alice());
            assertThat(unread(sync(server, p.alice(), ""), p.roomId()).path("notification_count").asInt())
                    .isEqualTo(1);
        }
    }

    @OnEveryDatabase
    void countsStopAtTheBound(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            for (int i = 0; i < UnreadCountsSyncSource.MAX_EVALUATED + 5; i++) {
                message(server, p.bob(), p.roomId(), "t" + i, "m" + i);
            }
            assertThat(unread(sync(server, p.alice(), ""), p.roomId()).path("notification_count").asInt())
                    .isEqualTo(UnreadCountsSyncSource.MAX_EVALUATED);
        }
    }

    /** The server keeps rulesets and push contexts in memory between syncs: a change must show at once. */
    @OnEveryDatabase
    void changedRulesAndRoomStateCountAtOnce(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            message(server, p.bob(), p.roomId(), "t1", "hello wonderland");
            JsonNode first = unread(sync(server, p.alice(), ""), p.roomId());
            assertThat(first.path("notification_count").asInt()).isEqualTo(1);
            assertThat(first.path("highlight_count").asInt()).isZero();

            assertThat(server.put(V3 + "/pushrules/global/room/" + path(p.roomId()), "{\"actions\":[]}", p.alice())
                    .status()).isEqualTo(200);
            assertThat(unread(sync(server, p.alice(), ""), p.roomId()).path("notification_count").asInt())
                    .as("the new rule, not the kept ruleset").isZero();
            server.send("DELETE", V3 + "/pushrules/global/room/" + path(p.roomId()), null, p.alice());
            assertThat(unread(sync(server, p.alice(), ""), p.roomId()).path("notification_count").asInt())
                    .isEqualTo(1);

            assertThat(server.put(room(p.roomId()) + "/state/m.room.member/" + path("@alice:example.org"),
                    "{\"membership\":\"join\",\"displayname\":\"Wonderland\"}", p.alice()).status())
                    .isEqualTo(200);
            message(server, p.bob(), p.roomId(), "t2", "hello wonderland again");
            JsonNode named = unread(sync(server, p.alice(), ""), p.roomId());
            assertThat(named.path("notification_count").asInt()).isEqualTo(1);
            assertThat(named.path("highlight_count").asInt()).as("the new display name, not the kept context")
                    .isEqualTo(1);
        }
    }
}
