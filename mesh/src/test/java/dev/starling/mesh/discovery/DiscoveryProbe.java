package dev.starling.mesh.discovery;

import dev.starling.mesh.identity.NodeIdentity;
import dev.starling.mesh.link.CloseReason;
import dev.starling.mesh.link.Link;
import dev.starling.mesh.link.LinkConfig;
import dev.starling.mesh.link.LinkListener;
import dev.starling.mesh.link.TcpTransport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A mesh node in its own process, for {@link DiscoveryNamespaceTest}: runs in a network namespace with a
 * fresh identity, a TCP transport on the given port, discovery on one interface and a
 * {@link DiscoveryDialer}. Prints {@code node <server name>}, {@code ready <epoch ms>}, one line
 * {@code peer <address> <port> <epoch ms>} per announcement and {@code link <peer server name> <epoch ms>}
 * / {@code down <peer server name> <reason>} per link. Arguments: interface, TCP port, run time in ms.
 */
public final class DiscoveryProbe {
    private DiscoveryProbe() {
    }

    public static void main(String[] args) throws Exception {
        NodeIdentity identity = NodeIdentity.generate();
        print("node " + identity.nodeId().serverName().value());
        LinkListener listener = new LinkListener() {
            @Override
            public void onLinkUp(Link link) {
                print("link " + link.peer().serverName().value() + " " + System.currentTimeMillis());
            }

            @Override
            public void onData(Link link, byte[] payload) {
            }

            @Override
            public void onLinkDown(Link link, CloseReason reason) {
                print("down " + link.peer().serverName().value() + " " + reason);
            }
        };
        int port = Integer.parseInt(args[1]);
        DiscoveryConfig config = DiscoveryConfig.defaults().withInterfaces(List.of(args[0]))
                .withInterval(Duration.ofSeconds(1));
        try (TcpTransport transport = TcpTransport.start(identity, LinkConfig.defaults(), new InetSocketAddress(port), listener)) {
            DiscoveryDialer dialer = new DiscoveryDialer(transport, transport::links, 4, 5000);
            try (Discovery discovery = Discovery.start(config, port, peer -> {
                print("peer " + peer.linkAddress().getAddress().getHostAddress() + " "
                        + peer.linkAddress().getPort() + " " + System.currentTimeMillis());
                dialer.onPeer(peer);
            })) {
                print("ready " + System.currentTimeMillis() + " " + discovery);
                Thread.sleep(Long.parseLong(args[2]));
            }
        }
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
