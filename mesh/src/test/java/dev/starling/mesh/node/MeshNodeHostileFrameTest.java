package dev.starling.mesh.node;

import static dev.starling.mesh.node.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.mesh.identity.NodeIdentity;
import dev.starling.mesh.link.Link;
import dev.starling.mesh.link.LinkConfig;
import dev.starling.mesh.link.LinkListener;
import dev.starling.mesh.link.TcpTransport;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A neighbour that sends frames on an unknown channel, empty frames and garbage routing packets. */
class MeshNodeHostileFrameTest {
    @TempDir
    Path root;
    private final List<TestNode> all = new ArrayList<>();

    @AfterEach
    void stopAll() {
        all.forEach(TestNode::stop);
    }

    @Test
    void framesOnAnUnknownChannelEmptyFramesAndGarbagePacketsAreDroppedAndTheNodeKeepsWorking() throws Exception {
        TestNode a = new TestNode("A", root, all).start();
        TestNode b = new TestNode("B", root, all).start();
        a.dial(b);
        await("A-B route", 10, () -> a.node.routes().contains(b.id()));
        LinkListener ignore = (link, payload) -> { };
        try (TcpTransport hostile = TcpTransport.start(NodeIdentity.generate(), LinkConfig.defaults(),
                new InetSocketAddress("127.0.0.1", 0), ignore)) {
            Link link = hostile.connect(b.address(), Optional.of(b.id()));
            link.send(new byte[] {9, 1, 2, 3});                 // unknown channel
            link.send(new byte[0]);                               // no channel byte
            link.send(new byte[] {Channel.ROUTING, 1, 99, 0});    // a routing packet of unknown type
            link.send(new byte[] {Channel.ROUTING});              // an empty routing packet
            a.send(b, "still fine");
            await("delivery after hostile frames", 10, () -> b.received.size() == 1);
            assertThat(b.received).containsExactly("A: still fine");
            assertThat(link.isOpen()).isTrue();
            assertThat(b.node.peers()).contains(a.id(), hostile.nodeId());
        }
    }
}
