package dev.starling.mesh.node;

import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.identity.NodeIdentity;
import dev.starling.mesh.link.Backoff;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** One node of a test mesh on loopback: a fixed identity, store directory and port, so it can restart. */
final class TestNode implements AutoCloseable {
    static final MeshNodeConfig CONFIG = MeshNodeConfig.defaults()
            .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(400)));

    final String name;
    final NodeIdentity identity = NodeIdentity.generate();
    final Path dir;
    /** What arrived, as "sender name: payload", in order. */
    final List<String> received = new CopyOnWriteArrayList<>();
    private final List<TestNode> all;
    int port;
    MeshNode node;

    TestNode(String name, Path root, List<TestNode> all) throws IOException {
        this.name = name;
        this.dir = Files.createDirectories(root.resolve(name));
        this.all = all;
        all.add(this);
    }

    TestNode start() throws IOException, InterruptedException {
        // A restart rebinds the old port, which the previous run's sockets may hold for a moment while they close.
        for (int attempt = 0; ; attempt++) {
            try {
                node = MeshNode.start(identity, dir, new InetSocketAddress("127.0.0.1", port), CONFIG, this::receive);
                break;
            } catch (java.net.BindException e) {
                if (attempt >= 100) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
        port = node.port();
        return this;
    }

    NodeId id() {
        return identity.nodeId();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    void dial(TestNode other) {
        node.addPeer(other.address(), Optional.of(other.id()));
    }

    void hangUp(TestNode other) {
        node.removePeer(other.address());
    }

    void send(TestNode to, String text) {
        node.send(to.id(), text.getBytes(StandardCharsets.UTF_8));
    }

    private void receive(NodeId source, byte[] payload) {
        String from = all.stream().filter(n -> n.id().equals(source)).map(n -> n.name).findFirst().orElse("?");
        received.add(from + ": " + new String(payload, StandardCharsets.UTF_8));
    }

    void stop() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Waits until {@code condition} holds; returns the milliseconds it took; fails after {@code seconds}. */
    static long await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
