package dev.starling.mesh.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.mesh.exchange.ExchangeException;
import dev.starling.mesh.exchange.MeshExchange;
import dev.starling.mesh.exchange.MeshRequest;
import dev.starling.mesh.exchange.MeshResponse;
import dev.starling.mesh.exchange.MeshSender;
import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.identity.NodeIdentity;
import dev.starling.mesh.link.CloseReason;
import dev.starling.mesh.link.Link;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exchange (what federation rides on in {@code starling node}) over {@link MeshNode#sender()}: requests and
 * answers cross a chain A–B–C–D of real nodes (each linked only to its neighbours) over three hops, a request
 * to a node with no route fails at once (not after its timeout), and {@link MeshNodeEvents#reachable} reports a
 * node three hops away when its route appears and again when a cut link heals.
 */
class MeshNodeExchangeTest {
    private static final int BOUND_SECONDS = 10;

    @TempDir Path root;
    private final List<Peer> all = new ArrayList<>();

    /** A node with an exchange on its multi-hop sender, recording its events. */
    private final class Peer implements MeshNodeEvents {
        final NodeIdentity identity = NodeIdentity.generate();
        final List<NodeId> reachable = new CopyOnWriteArrayList<>();
        final List<String> links = new CopyOnWriteArrayList<>();
        final MeshExchange exchange;
        volatile MeshNode node;

        Peer(String name) throws IOException {
            MeshSender late = new MeshSender() {
                @Override
                public void send(NodeId to, byte[] payload) throws IOException {
                    node.sender().send(to, payload);
                }

                @Override
                public int maxPayload() {
                    return TestNode.CONFIG.maxPayload();
                }
            };
            exchange = new MeshExchange(late, MeshExchange.Limits.defaults(), identity);
            exchange.serve((from, request) -> new MeshResponse(200,
                    (name + " answers " + request.uri() + " from " + from.shortName() + " with "
                            + request.body().length + " bytes").getBytes(StandardCharsets.UTF_8)));
            node = MeshNode.start(identity, Files.createDirectories(root.resolve(name)),
                    new InetSocketAddress("127.0.0.1", 0), TestNode.CONFIG, exchange::onMessage, this);
            all.add(this);
        }

        NodeId id() {
            return identity.nodeId();
        }

        void dial(Peer other) {
            node.addPeer(new InetSocketAddress("127.0.0.1", other.node.port()), Optional.of(other.id()));
        }

        void hangUp(Peer other) {
            node.removePeer(new InetSocketAddress("127.0.0.1", other.node.port()));
        }

        MeshResponse ask(Peer other, byte[] body) throws ExchangeException {
            return exchange.request(other.id(), new MeshRequest("PUT", "/_matrix/federation/v1/send/1", Map.of(),
                    body), Duration.ofSeconds(BOUND_SECONDS), 1 << 20);
        }

        @Override
        public void neighbourUp(NodeId peer, Link link) {
            links.add("up " + peer.shortName());
        }

        @Override
        public void neighbourDown(NodeId peer, CloseReason reason) {
            links.add("down " + peer.shortName());
        }

        @Override
        public void reachable(NodeId destination) {
            reachable.add(destination);
        }
    }

    @AfterEach
    void stopAll() {
        for (Peer p : all) {
            p.node.close();
            p.exchange.close();
        }
    }

    @Test
    void requestsCrossThreeHopsAndANodeWithoutARouteFailsAtOnce() throws Exception {
        Peer a = new Peer("A");
        Peer d = new Peer("D");
        long start = System.nanoTime();
        assertThatThrownBy(() -> a.ask(d, new byte[0])).isInstanceOf(ExchangeException.class)
                .hasMessageContaining("no route");
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms to fail").isLessThan(2000);
        assertThat(a.node.held()).as("nothing kept for a node without a route").isZero();

        Peer b = new Peer("B");
        Peer c = new Peer("C");
        a.dial(b);
        b.dial(c);
        c.dial(d);
        long took = TestNode.await("A hears D is reachable", BOUND_SECONDS, () -> a.reachable.contains(d.id()));
        System.out.println("mesh-node exchange: D reachable at A after ms=" + took);
        assertThat(a.node.peers()).containsExactly(b.id());
        assertThat(a.links).contains("up " + b.id().shortName());
        assertThat(a.node.reachable(d.id())).isTrue();

        start = System.nanoTime();
        MeshResponse answer = a.ask(d, "hello".getBytes(StandardCharsets.UTF_8));
        System.out.println("mesh-node exchange: 3-hop request and answer in ms=" + (System.nanoTime() - start) / 1_000_000);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8))
                .isEqualTo("D answers /_matrix/federation/v1/send/1 from " + a.id().shortName() + " with 5 bytes");

        // A request larger than one routed payload is fragmented and reassembled across the hops.
        byte[] big = new byte[3 * TestNode.CONFIG.maxPayload() + 17];
        Arrays.fill(big, (byte) 7);
        answer = d.ask(a, big);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).endsWith("with " + big.length + " bytes");
    }

    @Test
    void aCutLinkFailsRequestsAtOnceAndItsHealIsReportedAsReachable() throws Exception {
        Peer a = new Peer("A");
        Peer b = new Peer("B");
        Peer c = new Peer("C");
        Peer d = new Peer("D");
        a.dial(b);
        b.dial(c);
        c.dial(d);
        TestNode.await("routes A<->D", BOUND_SECONDS, () -> a.node.reachable(d.id()) && d.node.reachable(a.id()));
        assertThat(a.ask(d, new byte[1]).status()).isEqualTo(200);

        b.hangUp(c);
        TestNode.await("routes withdrawn", BOUND_SECONDS, () -> !a.node.reachable(d.id()) && !d.node.reachable(a.id()));
        long start = System.nanoTime();
        assertThatThrownBy(() -> d.ask(a, new byte[1])).isInstanceOf(ExchangeException.class)
                .hasMessageContaining("no route");
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms to fail").isLessThan(2000);

        a.reachable.clear();
        b.dial(c);
        long healed = TestNode.await("A hears D is reachable again", BOUND_SECONDS, () -> a.reachable.contains(d.id()));
        System.out.println("mesh-node exchange: D reachable again at A after the heal in ms=" + healed);
        assertThat(a.ask(d, new byte[1]).status()).isEqualTo(200);
        assertThat(d.ask(a, new byte[1]).status()).isEqualTo(200);
    }
}
