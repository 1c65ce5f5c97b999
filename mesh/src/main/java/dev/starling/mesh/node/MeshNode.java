package dev.starling.mesh.node;

import dev.starling.mesh.discovery.Discovery;
import dev.starling.mesh.discovery.DiscoveryDialer;
import dev.starling.mesh.exchange.MeshSender;
import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.identity.NodeIdentity;
import dev.starling.mesh.link.CloseReason;
import dev.starling.mesh.link.Link;
import dev.starling.mesh.link.LinkListener;
import dev.starling.mesh.link.StaticPeer;
import dev.starling.mesh.link.TcpTransport;
import dev.starling.mesh.routing.Ed25519SeqnoAuth;
import dev.starling.mesh.routing.PeerKey;
import dev.starling.mesh.routing.MessageId;
import dev.starling.mesh.routing.Route;
import dev.starling.mesh.routing.Router;
import dev.starling.mesh.store.Courier;
import dev.starling.mesh.store.MessageStore;
import dev.starling.mesh.store.SeenIds;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A mesh node: the real parts wired together so that {@link #send} reaches any {@link NodeId} over several
 * hops, durably (store-and-forward). It owns a {@link TcpTransport} with the node's identity, the
 * {@link StaticPeer}s it is given, optionally LAN {@link Discovery}, and a {@link Router} + {@link Courier}
 * (with {@link MessageStore} and {@link SeenIds} in the caller's directory) driven from ONE thread, as the
 * mesh README's "link event → router call" table says. See the README's {@code node} section. Thread-safe.
 */
public final class MeshNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MeshNode.class.getName());

    private final NodeIdentity identity;
    private final MeshNodeConfig config;
    private final MeshReceiver receiver;
    private final MeshNodeEvents events;
    private final ScheduledExecutorService loop;
    private final ExecutorService delivery;
    private final Map<InetSocketAddress, StaticPeer<InetSocketAddress>> staticPeers = new ConcurrentHashMap<>();
    // loop thread only:
    private final Map<PeerKey, LinkNeighbour> neighbours = new HashMap<>();
    private final SeqnoFile seqnoFile;
    private MessageStore store;
    private SeenIds seen;
    private Courier courier;
    private Router router;
    private ScheduledFuture<?> timer;
    private long timerAt = Long.MAX_VALUE;
    private volatile Thread loopThread;
    // set once started:
    private TcpTransport transport;
    private Discovery discovery;
    private volatile boolean closed;

    private MeshNode(NodeIdentity identity, Path directory, MeshNodeConfig config, MeshReceiver receiver,
                     MeshNodeEvents events) {
        this.identity = identity;
        this.config = config;
        this.receiver = receiver;
        this.events = events;
        this.seqnoFile = new SeqnoFile(directory);
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mesh-node-" + identity.nodeId().serverName().toString().substring(0, 8));
            t.setDaemon(true);
            loopThread = t;
            return t;
        });
        this.delivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mesh-node-delivery");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the store in {@code directory} (created by the caller), starts the router and listens for links on
     * {@code bind} (port 0 picks a free port). Add neighbours with {@link #addPeer}.
     */
    public static MeshNode start(NodeIdentity identity, Path directory, InetSocketAddress bind, MeshNodeConfig config,
                                 MeshReceiver receiver) throws IOException {
        return start(identity, directory, bind, config, receiver, MeshNodeEvents.NONE);
    }

    /**
     * As {@link #start(NodeIdentity, Path, InetSocketAddress, MeshNodeConfig, MeshReceiver)}, telling
     * {@code events} of neighbours and of destinations becoming reachable.
     */
    public static MeshNode start(NodeIdentity identity, Path directory, InetSocketAddress bind, MeshNodeConfig config,
                                 MeshReceiver receiver, MeshNodeEvents events) throws IOException {
        MeshNode node = new MeshNode(identity, directory, config, receiver, events);
        try {
            node.call(() -> {
                node.open(directory);
                return null;
            });
            node.transport = TcpTransport.start(identity, config.link(), bind, node.new Listener());
            if (config.discovery().isPresent()) {
                DiscoveryDialer dialer = new DiscoveryDialer(node.transport, node.transport::links, 4, 5000);
                node.discovery = Discovery.start(config.discovery().get(), node.transport.port(), dialer);
            }
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "event=mesh_node_started node={0} port={1}",
                identity.nodeId().serverName(), String.valueOf(node.transport.port()));
        return node;
    }

    private void open(Path directory) throws IOException {
        long now = now();
        store = MessageStore.open(directory, config.store());
        seen = SeenIds.open(directory, config.store(), now);
        courier = new Courier(store, seen, this::deliver, new SecureRandom());
        PeerKey self = new PeerKey(identity.nodeId().publicKey());
        router = new Router(Ed25519SeqnoAuth.withSigner(self, identity::sign), config.routing(),
                new Reachability(courier, events), seqnoFile.start());
        courier.attach(router);
        reschedule(now);
    }

    public NodeId nodeId() {
        return identity.nodeId();
    }

    /** The TCP port links are accepted on. */
    public int port() {
        return transport.port();
    }

    /** The largest payload {@link #send} takes. */
    public int maxPayload() {
        return config.maxPayload();
    }

    /** Keeps a link to a neighbour at {@code address} up (redialling with backoff); idempotent per address. */
    public void addPeer(InetSocketAddress address, Optional<NodeId> expected) {
        staticPeers.computeIfAbsent(address, a -> StaticPeer.start(transport, a, expected, config.backoff()));
    }

    /** Stops keeping the link to {@code address} and closes it. */
    public void removePeer(InetSocketAddress address) {
        StaticPeer<InetSocketAddress> p = staticPeers.remove(address);
        if (p != null) {
            p.close();
        }
    }

    /**
     * Sends {@code payload} to {@code destination}, however many hops away. Returns once the message is in the
     * durable store (or, to this node itself, delivered): from then on it is delivered when a route exists,
     * also after a restart, within the store's lifetime.
     *
     * @throws IllegalArgumentException when the payload exceeds {@link #maxPayload()}
     */
    public void send(NodeId destination, byte[] payload) {
        if (payload.length > config.maxPayload()) {
            throw new IllegalArgumentException("payload over " + config.maxPayload() + " bytes");
        }
        byte[] copy = payload.clone();
        PeerKey to = new PeerKey(destination.publicKey());
        call(() -> {
            courier.send(to, copy, now());
            return null;
        });
    }

    /**
     * This node as a {@link MeshSender} for a request/response layer (the exchange): multi-hop to any node with
     * a route, failing at once for a node without one. See {@link RoutedSender}.
     */
    public MeshSender sender() {
        return new RoutedSender(this);
    }

    /** Whether a route to {@code destination} exists now (over any number of hops). */
    public boolean reachable(NodeId destination) {
        PeerKey to = new PeerKey(destination.publicKey());
        return call(() -> router.route(to).isPresent());
    }

    /** The neighbours with a link up now. */
    public Set<NodeId> peers() {
        return call(() -> {
            Set<NodeId> out = new LinkedHashSet<>();
            for (PeerKey k : router.neighbours()) {
                out.add(new NodeId(k.bytes()));
            }
            return out;
        });
    }

    /** Every node a route exists to now (neighbours included, this node not). */
    public Set<NodeId> routes() {
        return call(() -> {
            Set<NodeId> out = new LinkedHashSet<>();
            for (Route r : router.routes()) {
                out.add(new NodeId(r.destination().bytes()));
            }
            return out;
        });
    }

    /** The selected route to {@code destination} (tests: which next hop). */
    Optional<Route> route(NodeId destination) {
        PeerKey to = new PeerKey(destination.publicKey());
        return call(() -> router.route(to));
    }

    /** Messages held in this node's store (waiting for a route or a next hop's acknowledgement). */
    public int held() {
        return call(() -> store.count());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (discovery != null) {
            discovery.close();
        }
        staticPeers.values().forEach(StaticPeer::close);
        staticPeers.clear();
        if (transport != null) {
            transport.close();
        }
        Future<?> done = loop.submit(() -> {
            neighbours.values().forEach(LinkNeighbour::stop);
            try {
                if (router != null) {
                    seqnoFile.save(router.ownSeqno());
                }
                if (store != null) {
                    store.close();
                }
                if (seen != null) {
                    seen.close();
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "event=mesh_node_close_failed error={0}", e.getMessage());
            }
        });
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "event=mesh_node_close_failed error={0}", e.toString());
        }
        loop.shutdownNow();
        delivery.shutdown();
    }

    @Override
    public String toString() {
        return "MeshNode[" + identity.nodeId().serverName() + "]";
    }

    // ---- the loop thread ----

    private static long now() {
        return System.currentTimeMillis(); // wall clock: the store's stored-at/expires-at outlive the process
    }

    private void deliver(PeerKey origin, MessageId id, byte[] payload, int hops, long now) {
        NodeId source = new NodeId(origin.bytes());
        delivery.execute(() -> {
            try {
                receiver.receive(source, payload);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "event=mesh_receiver_failed error={0}", e.toString());
            }
        });
    }

    /** Runs {@code task} on the loop thread (at once when already on it) and waits for it. */
    private <T> T call(Callable<T> task) {
        if (Thread.currentThread() == loopThread) {
            try {
                return task.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (closed && router != null) {
            throw new IllegalStateException("mesh node closed");
        }
        try {
            return loop.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Queues a link event; the router is touched only on the loop thread. */
    private void onLoop(Runnable event) {
        if (closed) {
            return;
        }
        try {
            loop.execute(() -> {
                try {
                    event.run();
                    reschedule(now());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "event=mesh_node_event_failed error={0}", e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** Arms the one timer for the earlier of the router's and the courier's next wakeup. */
    private void reschedule(long now) {
        long at = Math.min(router.nextWakeup(now), courier.nextWakeup(now));
        if (timer != null && !timer.isDone() && timerAt <= at) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = at;
        timer = loop.schedule(this::onTimer, Math.max(0, at - now), TimeUnit.MILLISECONDS);
    }

    private void onTimer() {
        try {
            long now = now();
            router.tick(now);
            courier.tick(now);
            seqnoFile.save(router.ownSeqno());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "event=mesh_node_tick_failed error={0}", e.toString());
        } finally {
            timer = null;
            if (!closed) {
                reschedule(now());
            }
        }
    }

    /** The transport's events, turned into router calls on the loop thread. */
    private final class Listener implements LinkListener {
        @Override
        public void onLinkUp(Link link) {
            onLoop(() -> {
                LinkNeighbour n = new LinkNeighbour(link);
                LinkNeighbour old = neighbours.put(n.key(), n);
                if (old != null) {
                    old.stop();
                }
                LOG.log(System.Logger.Level.INFO, "event=mesh_neighbour_up neighbour={0} address={1}",
                        n.key(), link.remoteAddress());
                router.neighbourUp(n, now());
                events.neighbourUp(link.peer(), link);
            });
        }

        @Override
        public void onData(Link link, byte[] payload) {
            if (payload.length == 0 || payload[0] != Channel.ROUTING) {
                LOG.log(System.Logger.Level.WARNING, "event=mesh_frame_dropped reason=unknown_channel channel={0}",
                        payload.length == 0 ? "none" : String.valueOf(payload[0] & 0xFF));
                return;
            }
            byte[] frame = java.util.Arrays.copyOfRange(payload, 1, payload.length);
            PeerKey from = new PeerKey(link.peer().publicKey());
            onLoop(() -> router.receive(from, frame, now()));
        }

        @Override
        public void onLinkDown(Link link, CloseReason reason) {
            PeerKey key = new PeerKey(link.peer().publicKey());
            onLoop(() -> {
                LinkNeighbour n = neighbours.get(key);
                if (n == null || n.link != link) {
                    return; // a link that was already replaced by a newer one to the same node
                }
                neighbours.remove(key);
                n.stop();
                LOG.log(System.Logger.Level.INFO, "event=mesh_neighbour_down neighbour={0} reason={1}", key, reason);
                router.neighbourDown(key, now());
                events.neighbourDown(link.peer(), reason);
            });
        }
    }
}
