package dev.starling.app;

import static dev.starling.app.MeshPartitionClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.app.MeshPartitionClient.User;
import dev.starling.mesh.discovery.DiscoveryConfig;
import dev.starling.mesh.link.LinkConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, acceptance 3, the node that was off: four nodes linked directly (A, B, C dial each other and D); D
 * is stopped, the others change the room's state and talk, and D is started again on the same data directory
 * and ports. Its peers redial it, their federation queues for D are sent as soon as the link is up, and D ends
 * with the same state and every message, without any new event after its return.
 */
class MeshPartitionReturnTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir Path dir;

    @Test
    void aNodeThatWasOffCatchesUpWhenItReturns() throws Exception {
        int portA = MeshPartitionTest.freePort();
        int portB = MeshPartitionTest.freePort();
        int portC = MeshPartitionTest.freePort();
        int portD = MeshPartitionTest.freePort();
        int httpD = MeshPartitionTest.freePort();
        List<MeshNode> nodes = new ArrayList<>();
        MeshNode d = null;
        try {
            MeshNode a = node(nodes, "a", 0, portA, List.of(portB, portC, portD));
            MeshNode b = node(nodes, "b", 0, portB, List.of(portC, portD));
            MeshNode c = node(nodes, "c", 0, portC, List.of(portD));
            d = node(nodes, "d", httpD, portD, List.of());
            assertThat(await(WAIT, () -> nodes.stream().allMatch(n -> n.neighbours().size() == 3))).isTrue();
            User alice = MeshPartitionClient.register(a.httpPort(), "alice");
            User bob = MeshPartitionClient.register(b.httpPort(), "bob");
            User carol = MeshPartitionClient.register(c.httpPort(), "carol");
            User dave = MeshPartitionClient.register(d.httpPort(), "dave");
            String roomId = MeshPartitionClient.createPublicRoom(alice, "12");
            for (User user : List.of(bob, carol, dave)) {
                MeshPartitionClient.join(user, roomId, a.serverName().value());
            }
            List<User> all = List.of(alice, bob, carol, dave);
            MeshPartitionClient.say(dave, roomId, "before");
            assertThat(await(WAIT, () -> MeshPartitionClient.allSee(roomId, all, List.of("before"))
                    && MeshPartitionClient.sameState(roomId, all))).isTrue();

            nodes.remove(d);
            d.close();
            d = null;
            MeshPartitionClient.setState(alice, roomId, "m.room.topic", "", "{\"topic\":\"while D was off\"}");
            ObjectNode power = MeshPartitionClient.stateContent(alice, roomId, "m.room.power_levels");
            power.with("users").put(bob.userId(), 50);
            MeshPartitionClient.setState(alice, roomId, "m.room.power_levels", "", power.toString());
            assertThat(await(WAIT, () -> MeshPartitionClient.stateContent(bob, roomId, "m.room.power_levels")
                    .path("users").path(bob.userId()).asInt() == 50)).as("bob's new level reached B").isTrue();
            MeshPartitionClient.setState(bob, roomId, "m.room.name", "", "{\"name\":\"named by bob\"}");
            List<String> missed = List.of("missed A", "missed B", "missed C");
            MeshPartitionClient.say(alice, roomId, missed.get(0));
            MeshPartitionClient.say(bob, roomId, missed.get(1));
            MeshPartitionClient.say(carol, roomId, missed.get(2));
            assertThat(await(WAIT, () -> MeshPartitionClient.allSee(roomId, List.of(alice, bob, carol), missed)))
                    .isTrue();
            // Long enough for every sender to D to have failed at least once and be waiting in its backoff.
            Thread.sleep(3000);

            long back = System.nanoTime();
            d = node(nodes, "d", httpD, portD, List.of());
            boolean caughtUp = await(WAIT, () -> MeshPartitionClient.sameState(roomId, all)
                    && MeshPartitionClient.allSee(roomId, all, missed));
            long millis = (System.nanoTime() - back) / 1_000_000;
            System.out.println("mesh partition: a returning node caught up " + millis + " ms after its start");
            assertThat(caughtUp).as(MeshPartitionClient.state(dave, roomId) + " "
                    + MeshPartitionClient.messages(dave, roomId)).isTrue();
            assertThat(MeshPartitionTest.topic(dave, roomId)).isEqualTo("while D was off");
            assertThat(MeshPartitionClient.stateContent(dave, roomId, "m.room.name").path("name").asText())
                    .isEqualTo("named by bob");
        } finally {
            nodes.forEach(MeshNode::close);
        }
    }

    private MeshNode node(List<MeshNode> nodes, String name, int http, int listen, List<Integer> peers)
            throws IOException {
        List<InetSocketAddress> addresses = peers.stream().map(MeshPartitionTest::local).toList();
        MeshNode node = MeshNode.start(new MeshNode.Options(dir.resolve(name), http, listen, addresses, false,
                DiscoveryConfig.defaults(), LinkConfig.defaults()), line -> System.out.println(name + ": " + line));
        nodes.add(node);
        return node;
    }
}
