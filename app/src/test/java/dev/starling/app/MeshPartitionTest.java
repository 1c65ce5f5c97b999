package dev.starling.app;

import static dev.starling.app.MeshPartitionClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.app.MeshPartitionClient.User;
import dev.starling.mesh.discovery.DiscoveryConfig;
import dev.starling.mesh.link.LinkConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Acceptance 3 of issue 6, partition and heal: four real nodes ({@link MeshNode}, as {@code starling node}
 * starts them: embedded homeserver on SQLite, TCP mesh links, federation over them) on loopback, discovery off,
 * static peers. Group 1 = {A, B}, group 2 = {C, D}. Links inside a group are direct; the four links between
 * the groups go through {@link MeshPartitionRelay}s (group 1 dials group 2 through them). Cutting the relays
 * is a real link loss the mesh links detect; healing lets group 1's redials through.
 *
 * <p>Before the partition: alice (A) creates a public room; bob (B), carol (C) and dave (D) join over the mesh;
 * power levels PL0 give alice 100 (v11; in v12 she is the creator, above every level), bob 50, carol 100, dave
 * 50 (state_default 50, ban 50, power_levels 100). While apart, in this order of origin_server_ts:
 * <ol>
 *   <li>Group 1: alice names the room "G1-name"; bob sets the topic "B-topic"; ann (A) joins; alice bans dave;
 *       alice sets PL1a (bob 75). Messages from alice and bob.</li>
 *   <li>Group 2, later: dave names the room "D-name"; carol sets the topic "C-topic"; dan (D) joins; carol sets
 *       PL1c (bob 0, copied from PL0 so dave back at 50). Messages from carol and dan.</li>
 * </ol>
 * The expected state, derived by hand from the spec (Room Versions § State resolution v2 for v11 and v2.1 for
 * v12: power events first in reverse topological power order, then the rest in mainline order, each through
 * the iterative auth checks), not by calling the resolver:
 * <ul>
 *   <li>Power events in conflict: the ban of dave, PL1a and PL1c. None names another among its auth events
 *       (each was authorised by PL0), so they are ordered by sender power (alice 100 or creator, carol 100),
 *       then origin_server_ts: ban, PL1a, PL1c. The ban passes (alice above dave and the ban level). PL1a
 *       passes. PL1c is checked against PL1a: carol (100) lowers bob from 75 to 0 (dave stays 50); every
 *       old and new value is at most her 100: it passes. Resolved: power
 *       levels = <b>PL1c (bob 0, carol 100, dave 50)</b>, dave = <b>ban</b>.</li>
 *   <li>The rest (both names, both topics, the joins of ann and dan, and dave's earlier join, conflicting with
 *       his ban) in mainline order of PL1c: dave's join was authorised by the room's first power levels (an
 *       older mainline position), the others by PL0, so dave's join comes first and the others follow in
 *       origin_server_ts order. dave's join fails against his ban: <b>dave stays banned</b>. "G1-name" passes;
 *       "B-topic" fails (bob has 0 in PL1c, below state_default 50); ann's join passes; "D-name" fails (dave
 *       is banned); "C-topic" passes; dan's join passes. So: name <b>"G1-name"</b> (the earlier one), topic
 *       <b>"C-topic"</b> (the later one), ann and dan <b>joined</b>.</li>
 * </ul>
 * Every message sent on either side by a member who stays joined must be visible on every node once traffic
 * resumes after the heal.
 */
class MeshPartitionTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Convergence after the heal includes the static peers' redial backoff (up to 30 s) and federation catch-up. */
    private static final Duration HEAL_WAIT = Duration.ofSeconds(120);

    @TempDir Path dir;

    @ParameterizedTest(name = "room version {0}")
    @ValueSource(strings = {"11", "12"})
    void twoGroupsApartConvergeOnTheResolvedStateWhenTheyMeet(String version) throws Exception {
        int portA = freePort();
        int portB = freePort();
        int portC = freePort();
        int portD = freePort();
        List<MeshPartitionRelay> relays = new ArrayList<>();
        List<MeshNode> nodes = new ArrayList<>();
        try {
            // Group 1 dials each node of group 2 through its own relay.
            MeshPartitionRelay ac = relay(relays, portC);
            MeshPartitionRelay ad = relay(relays, portD);
            MeshPartitionRelay bc = relay(relays, portC);
            MeshPartitionRelay bd = relay(relays, portD);
            MeshNode a = node(nodes, "a", portA, List.of(local(portB), ac.address(), ad.address()));
            MeshNode b = node(nodes, "b", portB, List.of(local(portA), bc.address(), bd.address()));
            MeshNode c = node(nodes, "c", portC, List.of(local(portD)));
            MeshNode d = node(nodes, "d", portD, List.of(local(portC)));
            assertThat(await(WAIT, () -> nodes.stream().allMatch(n -> n.neighbours().size() == 3)))
                    .as("all four nodes linked").isTrue();

            User alice = MeshPartitionClient.register(a.httpPort(), "alice");
            User ann = MeshPartitionClient.register(a.httpPort(), "ann");
            User bob = MeshPartitionClient.register(b.httpPort(), "bob");
            User carol = MeshPartitionClient.register(c.httpPort(), "carol");
            User dave = MeshPartitionClient.register(d.httpPort(), "dave");
            User dan = MeshPartitionClient.register(d.httpPort(), "dan");
            String via = a.serverName().value();

            String roomId = MeshPartitionClient.createPublicRoom(alice, version);
            MeshPartitionClient.join(bob, roomId, via);
            MeshPartitionClient.join(carol, roomId, via);
            MeshPartitionClient.join(dave, roomId, via);
            List<User> all = List.of(alice, bob, carol, dave);
            MeshPartitionClient.say(alice, roomId, "hello from A");
            MeshPartitionClient.say(dave, roomId, "hello from D");
            assertThat(await(WAIT, () -> MeshPartitionClient.allSee(roomId, all,
                    List.of("hello from A", "hello from D")))).as("messages before the partition").isTrue();
            ObjectNode pl0 = MeshPartitionClient.stateContent(alice, roomId, "m.room.power_levels");
            pl0.with("users").put(bob.userId(), 50).put(carol.userId(), 100).put(dave.userId(), 50);
            pl0.put("state_default", 50).put("ban", 50);
            MeshPartitionClient.setState(alice, roomId, "m.room.power_levels", "", pl0.toString());
            assertThat(await(WAIT, () -> MeshPartitionClient.sameState(roomId, all)
                    && MeshPartitionClient.stateContent(dave, roomId, "m.room.power_levels").path("users")
                            .path(carol.userId()).asInt() == 100)).as("PL0 everywhere").isTrue();

            relays.forEach(MeshPartitionRelay::cut);
            assertThat(await(WAIT, () -> nodes.stream().allMatch(n -> n.neighbours().size() == 1)))
                    .as("the groups lost each other").isTrue();

            // Group 1.
            MeshPartitionClient.setState(alice, roomId, "m.room.name", "", "{\"name\":\"G1-name\"}");
            tick();
            MeshPartitionClient.setState(bob, roomId, "m.room.topic", "", "{\"topic\":\"B-topic\"}");
            tick();
            MeshPartitionClient.join(ann, roomId, null);
            tick();
            MeshPartitionClient.ban(alice, roomId, dave.userId());
            tick();
            ObjectNode pl1a = pl0.deepCopy();
            pl1a.with("users").put(bob.userId(), 75);
            MeshPartitionClient.setState(alice, roomId, "m.room.power_levels", "", pl1a.toString());
            tick();
            MeshPartitionClient.say(alice, roomId, "apart A");
            MeshPartitionClient.say(bob, roomId, "apart B");
            tick();
            // Group 2, later.
            MeshPartitionClient.setState(dave, roomId, "m.room.name", "", "{\"name\":\"D-name\"}");
            tick();
            MeshPartitionClient.setState(carol, roomId, "m.room.topic", "", "{\"topic\":\"C-topic\"}");
            tick();
            MeshPartitionClient.join(dan, roomId, null);
            tick();
            ObjectNode pl1c = pl0.deepCopy();
            pl1c.with("users").put(bob.userId(), 0);
            MeshPartitionClient.setState(carol, roomId, "m.room.power_levels", "", pl1c.toString());
            tick();
            MeshPartitionClient.say(carol, roomId, "apart C");
            MeshPartitionClient.say(dan, roomId, "apart D");

            List<User> viewers = List.of(alice, bob, carol, dan);
            assertThat(await(WAIT, () -> MeshPartitionClient.sameState(roomId, List.of(alice, bob))
                    && MeshPartitionClient.sameState(roomId, List.of(carol, dan)))).as("each group agrees").isTrue();
            // Still apart: each group sees only its own changes.
            assertThat(MeshPartitionClient.membership(bob, roomId, dave.userId())).isEqualTo("ban");
            assertThat(MeshPartitionClient.membership(carol, roomId, dave.userId())).isEqualTo("join");
            assertThat(topic(bob, roomId)).isEqualTo("B-topic");
            assertThat(topic(dan, roomId)).isEqualTo("C-topic");
            assertThat(MeshPartitionClient.messages(alice, roomId)).doesNotContain("apart C", "apart D");
            assertThat(MeshPartitionClient.messages(carol, roomId)).doesNotContain("apart A", "apart B");

            long healed = System.nanoTime();
            relays.forEach(MeshPartitionRelay::heal);
            boolean converged = await(HEAL_WAIT, () -> MeshPartitionClient.sameState(roomId, viewers));
            long stateMillis = (System.nanoTime() - healed) / 1_000_000;
            assertThat(converged).as(describe(roomId, viewers)).isTrue();
            // Traffic resumes. A node learns the other group's last events when an event names them as prev
            // events: each side sent its events only to the nodes it then counted in the room (group 1 stopped
            // sending to D when it banned dave, whose node was, as far as it knew, no longer in the room).
            MeshPartitionClient.say(alice, roomId, "healed A");
            MeshPartitionClient.say(bob, roomId, "healed B");
            MeshPartitionClient.say(carol, roomId, "healed C");
            MeshPartitionClient.say(dan, roomId, "healed D");
            List<String> sent = List.of("hello from A", "hello from D", "apart A", "apart B", "apart C", "apart D",
                    "healed A", "healed B", "healed C", "healed D");
            boolean delivered = await(HEAL_WAIT, () -> MeshPartitionClient.allSee(roomId, viewers, sent)
                    && MeshPartitionClient.sameState(roomId, viewers));
            long allMillis = (System.nanoTime() - healed) / 1_000_000;
            System.out.println("mesh partition: room v" + version + " same state " + stateMillis
                    + " ms after heal; every message on every node " + allMillis + " ms after heal");
            assertThat(delivered).as(describe(roomId, viewers)).isTrue();

            for (User viewer : viewers) {
                String on = "v" + version + " seen by " + viewer.userId();
                assertThat(MeshPartitionClient.stateContent(viewer, roomId, "m.room.name").path("name").asText())
                        .as(on).isEqualTo("G1-name");
                assertThat(topic(viewer, roomId)).as(on).isEqualTo("C-topic");
                ObjectNode power = MeshPartitionClient.stateContent(viewer, roomId, "m.room.power_levels");
                assertThat(power.path("users").path(bob.userId()).asInt()).as(on).isEqualTo(0);
                assertThat(power.path("users").path(carol.userId()).asInt()).as(on).isEqualTo(100);
                assertThat(power.path("users").path(dave.userId()).asInt()).as(on).isEqualTo(50);
                assertThat(MeshPartitionClient.membership(viewer, roomId, dave.userId())).as(on).isEqualTo("ban");
                for (User member : List.of(alice, ann, bob, carol, dan)) {
                    assertThat(MeshPartitionClient.membership(viewer, roomId, member.userId()))
                            .as(on + " " + member.userId()).isEqualTo("join");
                }
                assertThat(MeshPartitionClient.messages(viewer, roomId)).as(on).containsAll(sent);
            }
        } finally {
            relays.forEach(MeshPartitionRelay::close);
            nodes.forEach(MeshNode::close);
        }
    }

    private MeshPartitionRelay relay(List<MeshPartitionRelay> relays, int target) throws IOException {
        MeshPartitionRelay relay = MeshPartitionRelay.start(target);
        relays.add(relay);
        return relay;
    }

    private MeshNode node(List<MeshNode> nodes, String name, int listen, List<InetSocketAddress> peers)
            throws IOException {
        MeshNode node = MeshNode.start(new MeshNode.Options(dir.resolve(name), 0, listen, peers, false,
                DiscoveryConfig.defaults(), LinkConfig.defaults()), line -> System.out.println(name + ": " + line));
        nodes.add(node);
        return node;
    }

    private static String describe(String roomId, List<User> viewers) {
        StringBuilder text = new StringBuilder("state per node:\n");
        for (User viewer : viewers) {
            Map<String, String> state = MeshPartitionClient.state(viewer, roomId);
            text.append(viewer.userId()).append(":\n");
            state.forEach((key, value) -> text.append("  ").append(key).append(" = ").append(value).append('\n'));
            text.append("  messages: ").append(MeshPartitionClient.messages(viewer, roomId)).append('\n');
        }
        return text.toString();
    }

    static String topic(User viewer, String roomId) {
        return MeshPartitionClient.stateContent(viewer, roomId, "m.room.topic").path("topic").asText();
    }

    static InetSocketAddress local(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    static int freePort() throws IOException {
        return TestPorts.freePort();
    }

    /** Keeps origin_server_ts strictly increasing between the steps (the order the derivation relies on). */
    private static void tick() throws InterruptedException {
        Thread.sleep(5);
    }
}
