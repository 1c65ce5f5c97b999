package dev.starling.mesh.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.mesh.identity.NodeIdentity;
import dev.starling.mesh.link.Link;
import dev.starling.mesh.link.LinkConfig;
import dev.starling.mesh.link.LinkListener;
import dev.starling.mesh.link.TcpTransport;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class DiscoveryDialerTest {
    private static final LinkListener IGNORE = (link, payload) -> { };

    @Test
    void aDiscoveredPeerIsDialledOnceAndItsIdentityProvenByTheLink() throws Exception {
        NodeIdentity alice = NodeIdentity.generate();
        try (TcpTransport a = TcpTransport.start(alice, LinkConfig.defaults(), new InetSocketAddress("127.0.0.1", 0), IGNORE);
             TcpTransport b = TcpTransport.start(NodeIdentity.generate(), LinkConfig.defaults(),
                     new InetSocketAddress("127.0.0.1", 0), IGNORE)) {
            DiscoveryDialer dialer = new DiscoveryDialer(b, b::links, 4, 5000);
            DiscoveredPeer peer = new DiscoveredPeer(new InetSocketAddress("127.0.0.1", a.port()));
            dialer.onPeer(peer);
            waitFor(() -> b.links().size() == 1);
            Link link = b.links().iterator().next();
            assertThat(link.peer()).isEqualTo(alice.nodeId());
            for (int i = 0; i < 20; i++) {
                dialer.onPeer(peer); // announced again: the open link is reused, nothing is dialled
            }
            Thread.sleep(300);
            assertThat(b.links()).containsExactly(link);
            assertThat(a.links()).hasSize(1);
        }
    }

    @Test
    void deadAddressesAreDialledBoundedlyAndCooledDown() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        try (TcpTransport b = TcpTransport.start(NodeIdentity.generate(), LinkConfig.defaults(),
                new InetSocketAddress("127.0.0.1", 0), IGNORE)) {
            DiscoveryDialer dialer = new DiscoveryDialer(b, b::links, 2, 60_000);
            for (int i = 0; i < 1000; i++) {
                dialer.onPeer(new DiscoveredPeer(new InetSocketAddress("127.0.0.1", closedPort)));
            }
            Thread.sleep(300);
            assertThat(b.links()).isEmpty();
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 5 s");
            }
            Thread.sleep(20);
        }
    }
}
