package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.keys.KeysClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Issue 4, acceptance 3: A is cut off from B and C ({@link ServerBlocks} on all three: A's transport refuses B
 * and C, theirs refuse A, and each refuses the other side's requests). Both sides change the state of the room
 * in conflicting ways; after healing, all three report the same current state, and it is the one the spec's
 * state resolution gives (v2 for room v11, v2.1 for v12), derived here by hand (not by calling the resolver).
 *
 * <p>Before the partition: alice (A) 100, bob (B) 50, carol (C) 50 in power levels PL0 (state_default 50, ban
 * 50). During it, in this order of origin_server_ts:
 * <ol>
 *   <li>A side: alice names the room "A-name", sets topic "A-topic", ann (A) joins, alice bans carl (C, not yet
 *       in the room), alice demotes carol to 0 (PL1).</li>
 *   <li>B/C side: bob names the room "B-name", carol sets topic "C-topic", bea (B) joins, carl (C) joins.</li>
 * </ol>
 * Resolution, worked out from the spec (Room Versions § State resolution v2: power events first in reverse
 * topological power order, then the others in mainline order, each through the iterative auth checks):
 * <ul>
 *   <li>Power events in conflict: PL0 vs PL1 (PL1 names PL0 among its auth events, so PL0 comes first) and the
 *       ban of carl (alice at 100 may ban). Applied: power levels = PL1 (carol 0), carl = ban.</li>
 *   <li>The others (both names, both topics, the joins of ann, bea and carl) were all authorised by PL0, so
 *       they share a mainline position and are ordered by origin_server_ts. "A-name" then "B-name": bob still
 *       has 50 in PL1, both pass, the later one, <b>"B-name"</b>, wins. "A-topic" then "C-topic": carol has 0
 *       in PL1 now, so her topic fails the iterative auth check although it is the later one: <b>"A-topic"</b>.
 *       carl's join fails against his ban: <b>carl stays banned</b>. ann's and bea's joins pass: both
 *       <b>joined</b>.</li>
 * </ul>
 */
class PartitionHttpTest {
    private static final Backoff SHORT = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2));
    private static final Duration WAIT = Duration.ofSeconds(60);

    @OnEveryDatabase
    void bothSidesOfAPartitionConvergeOnTheResolvedStateV11(Backend backend) {
        run(backend, RoomVersion.V11);
    }

    @OnEveryDatabase
    void bothSidesOfAPartitionConvergeOnTheResolvedStateV12(Backend backend) {
        run(backend, RoomVersion.V12);
    }

    private static void run(Backend backend, RoomVersion version) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, SHORT);
                OutboundFedClient b = OutboundFedClient.start(backend, SHORT);
                OutboundFedClient c = OutboundFedClient.start(backend, SHORT)) {
            KeysClient.User alice = a.register("alice");
            KeysClient.User ann = a.register("ann");
            KeysClient.User bob = b.register("bob");
            KeysClient.User bea = b.register("bea");
            KeysClient.User carol = c.register("carol");
            KeysClient.User carl = c.register("carl");
            List<OutboundFedClient> all = List.of(a, b, c);
            List<KeysClient.User> viewers = List.of(alice, bob, carol);

            String roomId = CatchUpFed.createPublicRoom(a, alice, version);
            CatchUpFed.join(b, bob, roomId, a.name());
            CatchUpFed.join(c, carol, roomId, a.name());
            CatchUpFed.say(a, alice, roomId, "hello from A");
            CatchUpFed.say(c, carol, roomId, "hello from C");
            CatchUpFed.awaitMessages(WAIT, List.of("hello from A", "hello from C"), roomId, all, viewers);
            CatchUpFed.say(b, bob, roomId, "hello from B");
            CatchUpFed.awaitMessages(WAIT, List.of("hello from B"), roomId, all, viewers);
            ObjectNode pl0 = CatchUpFed.stateContent(a, alice, roomId, "m.room.power_levels");
            pl0.with("users").put(bob.userId(), 50).put(carol.userId(), 50);
            CatchUpFed.setState(a, alice, roomId, "m.room.power_levels", "", pl0.toString());
            CatchUpFed.awaitSameState(WAIT, roomId, all, viewers);

            partition(a, List.of(b, c), true);
            // The A side.
            CatchUpFed.setState(a, alice, roomId, "m.room.name", "", "{\"name\":\"A-name\"}");
            tick();
            CatchUpFed.setState(a, alice, roomId, "m.room.topic", "", "{\"topic\":\"A-topic\"}");
            tick();
            CatchUpFed.join(a, ann, roomId, null);
            tick();
            OutboundFedClient.Reply ban = a.post(CatchUpFed.room(roomId) + "/ban", "{\"user_id\":\"" + carl.userId()
                    + "\"}", alice.token());
            assertThat(ban.status()).as(ban.json().toString()).isEqualTo(200);
            tick();
            ObjectNode pl1 = pl0.deepCopy();
            pl1.with("users").put(carol.userId(), 0);
            CatchUpFed.setState(a, alice, roomId, "m.room.power_levels", "", pl1.toString());
            tick();
            // The B/C side, later.
            CatchUpFed.setState(b, bob, roomId, "m.room.name", "", "{\"name\":\"B-name\"}");
            tick();
            CatchUpFed.setState(c, carol, roomId, "m.room.topic", "", "{\"topic\":\"C-topic\"}");
            tick();
            CatchUpFed.join(b, bea, roomId, null);
            tick();
            CatchUpFed.join(c, carl, roomId, null);
            CatchUpFed.awaitSameState(WAIT, roomId, List.of(b, c), List.of(bob, carol));
            // Still cut: each side sees only its own changes.
            assertThat(topic(a, alice, roomId)).isEqualTo("A-topic");
            assertThat(topic(b, bob, roomId)).isEqualTo("C-topic");
            assertThat(membership(b, bob, roomId, carl)).isEqualTo("join");
            assertThat(membership(a, alice, roomId, carl)).isEqualTo("ban");

            partition(a, List.of(b, c), false);
            // Traffic resumes; the next events of each side name both forks' extremities.
            CatchUpFed.say(a, alice, roomId, "healed A");
            CatchUpFed.say(b, bob, roomId, "healed B");
            CatchUpFed.say(c, carol, roomId, "healed C");
            CatchUpFed.awaitMessages(WAIT, List.of("healed A", "healed B", "healed C"), roomId, all, viewers);
            CatchUpFed.say(a, alice, roomId, "merged A");
            CatchUpFed.say(b, bob, roomId, "merged B");
            CatchUpFed.say(c, carol, roomId, "merged C");
            CatchUpFed.awaitMessages(WAIT, List.of("merged A", "merged B", "merged C"), roomId, all, viewers);

            Map<String, String> state = CatchUpFed.awaitSameState(WAIT, roomId, all, viewers);
            for (int i = 0; i < all.size(); i++) {
                OutboundFedClient server = all.get(i);
                KeysClient.User viewer = viewers.get(i);
                String on = version + " on " + server.name();
                assertThat(CatchUpFed.stateContent(server, viewer, roomId, "m.room.name").path("name").asText())
                        .as(on).isEqualTo("B-name");
                assertThat(topic(server, viewer, roomId)).as(on).isEqualTo("A-topic");
                ObjectNode power = CatchUpFed.stateContent(server, viewer, roomId, "m.room.power_levels");
                assertThat(power.path("users").path(carol.userId()).asInt()).as(on).isEqualTo(0);
                assertThat(power.path("users").path(bob.userId()).asInt()).as(on).isEqualTo(50);
                assertThat(membership(server, viewer, roomId, carl)).as(on).isEqualTo("ban");
                for (KeysClient.User member : List.of(alice, ann, bob, bea, carol)) {
                    assertThat(membership(server, viewer, roomId, member)).as(on + " " + member.userId())
                            .isEqualTo("join");
                }
            }
            assertThat(state).containsKeys("m.room.member|" + ann.userId(), "m.room.member|" + bea.userId());
        }
    }

    /** Cuts (or heals) federation between {@code lone} and each of {@code others}, both directions, both ends. */
    private static void partition(OutboundFedClient lone, List<OutboundFedClient> others, boolean cut) {
        for (OutboundFedClient other : others) {
            ServerBlocks mine = lone.server().federation().blocks();
            ServerBlocks theirs = other.server().federation().blocks();
            if (cut) {
                mine.block(other.name());
                theirs.block(lone.name());
            } else {
                mine.unblock(other.name());
                theirs.unblock(lone.name());
            }
        }
    }

    private static String topic(OutboundFedClient server, KeysClient.User user, String roomId) {
        return CatchUpFed.stateContent(server, user, roomId, "m.room.topic").path("topic").asText();
    }

    private static String membership(OutboundFedClient server, KeysClient.User viewer, String roomId,
            KeysClient.User member) {
        OutboundFedClient.Reply reply = server.get(CatchUpFed.room(roomId) + "/state/m.room.member/"
                + CatchUpFed.enc(member.userId()), viewer.token());
        return reply.status() == 200 ? reply.json().path("membership").asText() : "none " + reply.status();
    }

    /** Keeps origin_server_ts strictly increasing between the steps (the order the derivation relies on). */
    private static void tick() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
