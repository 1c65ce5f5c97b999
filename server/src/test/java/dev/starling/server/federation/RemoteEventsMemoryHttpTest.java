package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.push.UnreadFromDatabase;
import dev.starling.server.rooms.JoinedFromDatabase;
import dev.starling.server.rooms.RoomStream;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.time.Duration;

/**
 * What /sync answers from memory equals the database when the room's events come over federation (the inbound
 * pipeline stores them): the unread counts of a user on the receiving server, and its joined rooms (kept per
 * user), as remote messages, a remote join, remote mentions and a remote power-levels change (which the push
 * context kept in memory must see: "@room" by alice2, level 0, starts highlighting) arrive.
 */
class RemoteEventsMemoryHttpTest {
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2));

    private static long position(JsonNode sync) {
        String token = sync.path("next_batch").asText();
        return Long.parseLong(token.substring(1, token.indexOf('_')));
    }

    @OnEveryDatabase
    void unreadCountsAndJoinedRoomsEqualTheDatabase(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, BACKOFF);
                OutboundFedClient b = OutboundFedClient.start(backend, BACKOFF)) {
            ThreeServersClient alice = ThreeServersClient.register(a, "alice");
            ThreeServersClient alice2 = ThreeServersClient.register(a, "alice2");
            ThreeServersClient bob = ThreeServersClient.register(b, "bob");
            String room = alice.ok("POST", MembershipFedClient.V3 + "/createRoom", "{\"preset\":\"public_chat\"}")
                    .json().path("room_id").asText();
            bob.ok("POST", MembershipFedClient.V3 + "/join/" + MembershipFedClient.encode(room) + "?server_name="
                    + MembershipFedClient.encode(a.name().value()), "{}");
            assertThat(ThreeServersClient.await(() -> "join".equals(alice.membershipOf(room, bob.userId())))).isTrue();
            UserId bobId = UserId.parse(bob.userId());
            RoomStream stream = JoinedFromDatabase.stream(b.server().database());
            String since = bob.sync(null).path("next_batch").asText();

            int compared = 0;
            long deadline = System.nanoTime() + 30_000_000_000L;
            for (int round = 0; round < 4; round++) {
                alice.send(room, "r" + round + "a", "one");
                alice.send(room, "r" + round + "b", "hey bob");
                String last = "hey bob"; // the round's last message
                if (round == 1) {
                    alice2.ok("POST", MembershipFedClient.room(room) + "/join", "{}");
                    alice2.send(room, "r" + round + "c", "hello from alice2");
                }
                if (round == 2) {
                    bob.send(room, "own" + round, "bob speaks");
                }
                if (round == 3) {
                    // Alice2 (level 0) may notify the room now: her @room highlights.
                    ObjectNode levels = (ObjectNode) alice.ok("GET", MembershipFedClient.room(room)
                            + "/state/m.room.power_levels/", null).json();
                    levels.putObject("notifications").put("room", 0);
                    alice.setState(room, "m.room.power_levels", levels.toString());
                    alice2.send(room, "r" + round + "c", "@room look");
                    last = "@room look";
                }
                boolean seen = false;
                while (!seen && System.nanoTime() < deadline) {
                    JsonNode sync = bob.ok("GET", MembershipFedClient.V3 + "/sync?timeout=500&since=" + since, null)
                            .json();
                    JsonNode unread = sync.path("rooms").path("join").path(room).path("unread_notifications");
                    if (unread.isObject()) {
                        long[] fromDatabase = UnreadFromDatabase.counts(b.server().database(), bobId,
                                RoomId.parse(room), position(sync));
                        assertThat(new long[] {unread.path("notification_count").asLong(),
                                unread.path("highlight_count").asLong()}).as(sync.toString())
                                .containsExactly(fromDatabase);
                        compared++;
                    }
                    seen = sync.path("rooms").path("join").path(room).path("timeline").path("events")
                            .findValuesAsText("body").contains(last);
                    since = sync.path("next_batch").asText();
                }
                assertThat(seen).as("round %d's last message reached bob", round).isTrue();
                assertThat(JoinedFromDatabase.kept(stream, bobId)).isEqualTo(JoinedFromDatabase.read(stream, bobId));
            }
            assertThat(compared).isGreaterThanOrEqualTo(4);
        }
    }
}
