package dev.starling.app;

import dev.starling.mesh.discovery.DiscoveryConfig;
import dev.starling.mesh.exchange.MeshExchange;
import dev.starling.mesh.exchange.MeshSender;
import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.identity.NodeIdentity;
import dev.starling.mesh.link.Backoff;
import dev.starling.mesh.link.CloseReason;
import dev.starling.mesh.link.Link;
import dev.starling.mesh.link.LinkConfig;
import dev.starling.mesh.node.MeshNodeConfig;
import dev.starling.mesh.node.MeshNodeEvents;
import dev.starling.mesh.routing.RoutingConfig;
import dev.starling.mesh.store.StoreConfig;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.HomeServer;
import dev.starling.server.config.ServerConfig;
import dev.starling.server.federation.Federation;
import dev.starling.server.federation.FederationConfig;
import dev.starling.server.federation.mesh.MeshFederationServer;
import dev.starling.server.federation.mesh.MeshFederationTransport;
import dev.starling.server.federation.mesh.MeshServerKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One P2P node, wired: the node identity ({@code <data>/node.key}), the embedded homeserver (SQLite in the data
 * directory) whose server name and signing key are the node key, the Client-Server API on 127.0.0.1, and a
 * {@link dev.starling.mesh.node.MeshNode} (TCP links to static peers and peers found by LAN discovery, routing,
 * store-and-forward in {@code <data>/mesh}) that carries federation to any node it has a route to, over as
 * many hops as needed: the {@link MeshExchange} sends through the node's {@link MeshSender}, and a node
 * becoming reachable flushes its federation queue at once. One TCP link per neighbour carries it all. {@code starling node} runs
 * one; tests start them in-process the same way.
 */
public final class MeshNode implements AutoCloseable {
    /** The node key file in the data directory. */
    public static final String KEY_FILE = "node.key";

    /**
     * What to start.
     *
     * @param httpPort the Client-Server API port on 127.0.0.1 (0: any free port)
     * @param listenPort the mesh TCP port on every interface (0: any free port)
     * @param peers static peers, kept linked
     * @param discovery LAN multicast beacons on (with {@code discoveryConfig}) or off
     */
    public record Options(Path dataDir, int httpPort, int listenPort, List<InetSocketAddress> peers,
            boolean discovery, DiscoveryConfig discoveryConfig, LinkConfig linkConfig) {
        public Options {
            peers = List.copyOf(peers);
        }
    }

    /** The mesh node's store-and-forward files, under the data directory. */
    public static final String MESH_DIR = "mesh";

    private final NodeIdentity identity;
    private final HomeServer server;
    private final dev.starling.mesh.node.MeshNode mesh;
    private final MeshExchange exchange;

    private MeshNode(NodeIdentity identity, HomeServer server, dev.starling.mesh.node.MeshNode mesh,
            MeshExchange exchange) {
        this.identity = identity;
        this.server = server;
        this.mesh = mesh;
        this.exchange = exchange;
    }

    /**
     * Starts everything; {@code events} receives one line per link going up or down (for the operator).
     *
     * @throws IOException when the key file, the mesh store or the mesh listener cannot be set up
     */
    public static MeshNode start(Options options, Consumer<String> events) throws IOException {
        Files.createDirectories(options.dataDir());
        Path meshDir = Files.createDirectories(options.dataDir().resolve(MESH_DIR));
        NodeIdentity identity = NodeIdentity.loadOrCreate(options.dataDir().resolve(KEY_FILE));
        ServerName name = identity.nodeId().serverName();
        MeshNodeConfig meshConfig = new MeshNodeConfig(options.linkConfig(), RoutingConfig.defaults(),
                StoreConfig.defaults(), Backoff.defaults(), Optional.empty());
        if (options.discovery()) {
            meshConfig = meshConfig.withDiscovery(options.discoveryConfig());
        }
        // The exchange is built before the mesh node it sends through (the node delivers to the exchange as
        // soon as it listens), so its sender looks the node up when it sends.
        dev.starling.mesh.node.MeshNode[] meshRef = new dev.starling.mesh.node.MeshNode[1];
        int maxPayload = meshConfig.maxPayload();
        MeshSender sender = new MeshSender() {
            @Override
            public void send(NodeId node, byte[] payload) throws IOException {
                dev.starling.mesh.node.MeshNode m = meshRef[0];
                if (m == null) {
                    throw new IOException("mesh not started");
                }
                m.sender().send(node, payload);
            }

            @Override
            public int maxPayload() {
                return maxPayload;
            }
        };
        // Signed end to end: relays on the route see the messages and must not be able to forge or alter them.
        MeshExchange exchange = new MeshExchange(sender, MeshExchange.Limits.defaults(), identity);
        ServerConfig defaults = ServerConfig.defaults(options.dataDir());
        ServerConfig config = new ServerConfig(name, options.dataDir(), "127.0.0.1", options.httpPort(),
                "http://127.0.0.1:" + options.httpPort(), true, List.of(), defaults.database(),
                defaults.maxUploadSize(), ServerConfig.Metrics.disabled(), FederationConfig.defaults());
        Federation.Plugins plugins = new Federation.Plugins(
                https -> new MeshFederationTransport(exchange, https, FederationConfig.DEFAULT_REQUEST_TIMEOUT),
                new MeshServerKeys());
        HomeServer server = HomeServer.start(config, HomeServer.databaseConfig(config), HomeServer.Tuning.defaults(),
                MeshServerKeys.signingKey(identity.exportSeed()), null, plugins);
        MeshNodeEvents nodeEvents = new MeshNodeEvents() {
            @Override
            public void neighbourUp(NodeId node, Link link) {
                events.accept("peer up: " + node.serverName() + " via " + link.transport() + " "
                        + link.remoteAddress());
            }

            @Override
            public void neighbourDown(NodeId node, CloseReason reason) {
                events.accept("peer down: " + node.serverName() + " (" + reason + ")");
            }

            @Override
            public void reachable(NodeId node) {
                // A node reachable again, directly or over several hops: its federation queue is sent now,
                // not after the backoff.
                Thread.ofVirtual().start(() -> server.federationSender().contacted(node.serverName()));
            }
        };
        dev.starling.mesh.node.MeshNode mesh = null;
        try {
            exchange.serve(new MeshFederationServer(URI.create("http://127.0.0.1:" + server.port()),
                    FederationConfig.DEFAULT_REQUEST_TIMEOUT));
            mesh = dev.starling.mesh.node.MeshNode.start(identity, meshDir,
                    new InetSocketAddress(options.listenPort()), meshConfig, exchange::onMessage, nodeEvents);
            meshRef[0] = mesh;
            for (InetSocketAddress peer : options.peers()) {
                mesh.addPeer(peer, Optional.empty());
            }
            return new MeshNode(identity, server, mesh, exchange);
        } catch (IOException | RuntimeException e) {
            if (mesh != null) {
                mesh.close();
            }
            exchange.close();
            server.close();
            throw e;
        }
    }

    public ServerName serverName() {
        return identity.nodeId().serverName();
    }

    public NodeId nodeId() {
        return identity.nodeId();
    }

    /** The Client-Server API port on 127.0.0.1. */
    public int httpPort() {
        return server.port();
    }

    /** The mesh TCP port. */
    public int listenPort() {
        return mesh.port();
    }

    /** The nodes linked now. */
    public Set<NodeId> neighbours() {
        return mesh.peers();
    }

    /** Every node a mesh route exists to now, over any number of hops (neighbours included). */
    public Set<NodeId> reachableNodes() {
        return mesh.routes();
    }

    public HomeServer server() {
        return server;
    }

    @Override
    public void close() {
        mesh.close();
        exchange.close();
        server.close();
    }
}
