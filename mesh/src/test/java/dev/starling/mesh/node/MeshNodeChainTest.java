package dev.starling.mesh.node;

import static dev.starling.mesh.node.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.mesh.routing.PeerKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real nodes (TCP links on loopback, Noise handshakes, router, courier, durable store) in a chain
 * A–B–C–D where each node links only to its neighbours, so A and D talk only through B and C.
 * Times are wall-clock on a loaded machine: logged, and bounded generously (the 2 s convergence target is
 * measured in virtual time by {@code sim.RoutingConvergenceTest}).
 */
class MeshNodeChainTest {
    private static final int BOUND_SECONDS = 10;

    @TempDir
    Path root;
    private final List<TestNode> all = new ArrayList<>();
    private TestNode a;
    private TestNode b;
    private TestNode c;
    private TestNode d;

    @AfterEach
    void stopAll() {
        all.forEach(TestNode::stop);
    }

    private void chain() throws Exception {
        a = new TestNode("A", root, all).start();
        b = new TestNode("B", root, all).start();
        c = new TestNode("C", root, all).start();
        d = new TestNode("D", root, all).start();
        a.dial(b);
        b.dial(c);
        c.dial(d);
        long took = await("routes A<->D", BOUND_SECONDS,
                () -> a.node.routes().contains(d.id()) && d.node.routes().contains(a.id()));
        System.out.println("mesh-node chain A-B-C-D routes up in ms=" + took);
        assertThat(a.node.peers()).containsExactly(b.id());
        assertThat(a.node.route(d.id()).orElseThrow().metric()).isEqualTo(3);
    }

    @Test
    void aAndDTalkOverThreeHopsAndEachMessageArrivesOnce() throws Exception {
        chain();
        a.send(d, "hello D");
        d.send(a, "hello A");
        long took = await("both messages", BOUND_SECONDS, () -> d.received.size() == 1 && a.received.size() == 1);
        System.out.println("mesh-node 3-hop exchange both ways in ms=" + took);
        Thread.sleep(700); // longer than a retransmission: a duplicate would show now
        assertThat(d.received).containsExactly("A: hello D");
        assertThat(a.received).containsExactly("D: hello A");
        assertThat(b.received).isEmpty();
        assertThat(c.received).isEmpty();
        await("custody released", BOUND_SECONDS, () -> a.node.held() == 0 && d.node.held() == 0);
    }

    @Test
    void messagesSentWhileALinkIsCutAreHeldAndDeliveredOnceWhenItHeals() throws Exception {
        chain();
        b.hangUp(c);
        long withdrawn = await("routes withdrawn", BOUND_SECONDS,
                () -> !a.node.routes().contains(d.id()) && !d.node.routes().contains(a.id()));
        System.out.println("mesh-node link B-C cut: routes A<->D withdrawn in ms=" + withdrawn);
        for (int i = 1; i <= 3; i++) {
            a.send(d, "held " + i);
        }
        d.send(a, "back");
        Thread.sleep(500);
        assertThat(d.received).isEmpty();
        assertThat(a.node.held()).isEqualTo(3);
        assertThat(d.node.held()).isEqualTo(1);

        b.dial(c);
        long healed = await("route back", BOUND_SECONDS, () -> a.node.routes().contains(d.id()));
        long delivered = await("held messages", BOUND_SECONDS, () -> d.received.size() == 3 && a.received.size() == 1);
        System.out.println("mesh-node link B-C healed: route in ms=" + healed + ", held messages delivered "
                + delivered + " ms later");
        Thread.sleep(700);
        assertThat(d.received).containsExactlyInAnyOrder("A: held 1", "A: held 2", "A: held 3");
        assertThat(a.received).containsExactly("D: back");
        await("custody released", BOUND_SECONDS, () -> a.node.held() == 0 && d.node.held() == 0);
    }

    @Test
    void aRestartedNodeDeliversWhatItHeldAndAReceiverDoesNotDeliverTwiceAcrossRestarts() throws Exception {
        chain();
        a.send(d, "before");
        await("before", BOUND_SECONDS, () -> d.received.size() == 1);

        // A is cut off, sends, and goes down holding the messages.
        a.hangUp(b);
        await("A isolated", BOUND_SECONDS, () -> a.node.routes().isEmpty());
        a.send(d, "kept 1");
        a.send(d, "kept 2");
        assertThat(a.node.held()).isEqualTo(2);
        a.stop();
        Path copy = Files.copy(a.dir.resolve("messages.log"), root.resolve("a-messages.log"));

        // A comes back on the same store: what it held goes out.
        a.start();
        a.dial(b);
        await("kept messages", BOUND_SECONDS, () -> d.received.size() == 3);
        await("A released custody", BOUND_SECONDS, () -> a.node.held() == 0);

        // D restarts on its store; then A replays the same message IDs from the old copy of its store.
        d.stop();
        d.start();
        await("route to restarted D", BOUND_SECONDS, () -> a.node.routes().contains(d.id()));
        a.stop();
        Files.copy(copy, a.dir.resolve("messages.log"), StandardCopyOption.REPLACE_EXISTING);
        a.start();
        assertThat(a.node.held()).isEqualTo(2);
        a.dial(b);
        await("replayed copies passed on", BOUND_SECONDS, () -> a.node.held() == 0);
        await("replayed copies reached D", BOUND_SECONDS, () -> c.node.held() == 0 && b.node.held() == 0);
        // A marker sent after the copies takes the same links (in order) behind them.
        a.send(d, "marker");
        await("marker", BOUND_SECONDS, () -> d.received.contains("A: marker"));
        Thread.sleep(700);
        assertThat(d.received).containsExactly("A: before", "A: kept 1", "A: kept 2", "A: marker");
    }

    @Test
    void routesMoveToTheOtherPathWhenALinkIsLost() throws Exception {
        // A diamond: A–B–D and A–C–D.
        a = new TestNode("A", root, all).start();
        b = new TestNode("B", root, all).start();
        c = new TestNode("C", root, all).start();
        d = new TestNode("D", root, all).start();
        a.dial(b);
        a.dial(c);
        b.dial(d);
        c.dial(d);
        await("route A->D", BOUND_SECONDS, () -> a.node.routes().contains(d.id()));
        PeerKey via = a.node.route(d.id()).orElseThrow().nextHop();
        TestNode cut = via.equals(new PeerKey(b.id().publicKey())) ? b : c;
        TestNode other = cut == b ? c : b;
        PeerKey otherKey = new PeerKey(other.id().publicKey());
        cut.hangUp(d);
        long took = await("route via " + other.name, BOUND_SECONDS,
                () -> a.node.route(d.id()).map(r -> r.nextHop().equals(otherKey) && r.metric() == 2).orElse(false));
        System.out.println("mesh-node link " + cut.name + "-D lost: A's route to D moved to " + other.name
                + " in ms=" + took);
        assertThat(took).isLessThan(BOUND_SECONDS * 1000L);
        a.send(d, "around");
        await("message around", BOUND_SECONDS, () -> d.received.size() == 1);
        assertThat(d.received).containsExactly("A: around");
    }

    @Test
    void aPayloadOverOneLinkFrameIsRefusedAndANodeCanSendToItself() throws Exception {
        a = new TestNode("A", root, all).start();
        assertThat(a.node.maxPayload()).isEqualTo(65518 - 92);
        assertThatThrownBy(() -> a.node.send(a.id(), new byte[a.node.maxPayload() + 1]))
                .isInstanceOf(IllegalArgumentException.class);
        a.send(a, "note to self");
        await("self delivery", BOUND_SECONDS, () -> a.received.size() == 1);
        assertThat(a.received).containsExactly("A: note to self");
    }
}
