package dev.starling.app;

import dev.starling.mesh.discovery.Discovery;
import dev.starling.mesh.discovery.DiscoveryConfig;
import dev.starling.mesh.discovery.DiscoveryDialer;
import dev.starling.mesh.exchange.DirectLinks;
import dev.starling.mesh.exchange.MeshExchange;
import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.identity.NodeIdentity;
import dev.starling.mesh.link.Backoff;
import dev.starling.mesh.link.CloseReason;
import dev.starling.mesh.link.Link;
import dev.starling.mesh.link.LinkConfig;
import dev.starling.mesh.link.LinkListener;
import dev.starling.mesh.link.StaticPeer;
import dev.starling.mesh.link.TcpTransport;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One P2P node, wired: the node identity ({@code <data>/node.key}), the embedded homeserver (SQLite in the data
 * directory) whose server name and signing key are the node key, the Client-Server API on 127.0.0.1, TCP mesh
 * links (listener, static peers, LAN discovery) and federation carried over them. {@code starling node} runs
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

    private final NodeIdentity identity;
    private final HomeServer server;
    private final TcpTransport transport;
    private final DirectLinks links;
    private final MeshExchange exchange;
    private final List<StaticPeer<InetSocketAddress>> staticPeers;
    private final Discovery discovery;

    private MeshNode(NodeIdentity identity, HomeServer server, TcpTransport transport, DirectLinks links,
            MeshExchange exchange, List<StaticPeer<InetSocketAddress>> staticPeers, Discovery discovery) {
        this.identity = identity;
        this.server = server;
        this.transport = transport;
        this.links = links;
        this.exchange = exchange;
        this.staticPeers = staticPeers;
        this.discovery = discovery;
    }

    /**
     * Starts everything; {@code events} receives one line per link going up or down (for the operator).
     *
     * @throws IOException when the key file or the mesh listener cannot be set up
     */
    public static MeshNode start(Options options, Consumer<String> events) throws IOException {
        Files.createDirectories(options.dataDir());
        NodeIdentity identity = NodeIdentity.loadOrCreate(options.dataDir().resolve(KEY_FILE));
        ServerName name = identity.nodeId().serverName();
        DirectLinks links = new DirectLinks(options.linkConfig().maxPayload());
        MeshExchange exchange = new MeshExchange(links, MeshExchange.Limits.defaults());
        links.onData(exchange::onMessage);
        HomeServer[] started = new HomeServer[1];
        LinkListener listener = new LinkListener() {
            @Override
            public void onLinkUp(Link link) {
                links.onLinkUp(link);
                events.accept("peer up: " + link.peer().serverName() + " via " + link.transport() + " "
                        + link.remoteAddress());
                HomeServer server = started[0];
                if (server != null) {
                    // A node seen again: its federation queue is sent now, not after the backoff.
                    Thread.ofVirtual().start(() -> server.federationSender().contacted(link.peer().serverName()));
                }
            }

            @Override
            public void onData(Link link, byte[] payload) {
                links.onData(link, payload);
            }

            @Override
            public void onLinkDown(Link link, CloseReason reason) {
                links.onLinkDown(link, reason);
                events.accept("peer down: " + link.peer().serverName() + " (" + reason + ")");
            }
        };
        ServerConfig defaults = ServerConfig.defaults(options.dataDir());
        ServerConfig config = new ServerConfig(name, options.dataDir(), "127.0.0.1", options.httpPort(),
                "http://127.0.0.1:" + options.httpPort(), true, List.of(), defaults.database(),
                defaults.maxUploadSize(), ServerConfig.Metrics.disabled(), FederationConfig.defaults());
        Federation.Plugins plugins = new Federation.Plugins(
                https -> new MeshFederationTransport(exchange, https, FederationConfig.DEFAULT_REQUEST_TIMEOUT),
                new MeshServerKeys());
        HomeServer server = HomeServer.start(config, HomeServer.databaseConfig(config), HomeServer.Tuning.defaults(),
                MeshServerKeys.signingKey(identity.exportSeed()), null, plugins);
        TcpTransport transport = null;
        List<StaticPeer<InetSocketAddress>> peers = new ArrayList<>();
        Discovery discovery = null;
        try {
            exchange.serve(new MeshFederationServer(URI.create("http://127.0.0.1:" + server.port()),
                    FederationConfig.DEFAULT_REQUEST_TIMEOUT));
            started[0] = server;
            transport = TcpTransport.start(identity, options.linkConfig(),
                    new InetSocketAddress(options.listenPort()), listener);
            for (InetSocketAddress peer : options.peers()) {
                peers.add(StaticPeer.start(transport, peer, Optional.empty(), Backoff.defaults()));
            }
            if (options.discovery()) {
                TcpTransport dialing = transport;
                discovery = Discovery.start(options.discoveryConfig(), transport.port(),
                        new DiscoveryDialer(transport, dialing::links, 4, 5000));
            }
            return new MeshNode(identity, server, transport, links, exchange, peers, discovery);
        } catch (IOException | RuntimeException e) {
            peers.forEach(StaticPeer::close);
            if (transport != null) {
                transport.close();
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
        return transport.port();
    }

    /** The nodes linked now. */
    public Set<NodeId> neighbours() {
        return links.neighbours();
    }

    public HomeServer server() {
        return server;
    }

    @Override
    public void close() {
        if (discovery != null) {
            discovery.close();
        }
        staticPeers.forEach(StaticPeer::close);
        transport.close();
        exchange.close();
        server.close();
    }
}
