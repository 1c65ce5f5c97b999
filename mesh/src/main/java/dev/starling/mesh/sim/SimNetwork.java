package dev.starling.mesh.sim;

import dev.starling.mesh.routing.Ed25519SeqnoAuth;
import dev.starling.mesh.routing.MessageId;
import dev.starling.mesh.routing.Neighbour;
import dev.starling.mesh.routing.PeerKey;
import dev.starling.mesh.routing.Router;
import dev.starling.mesh.routing.RoutingConfig;
import dev.starling.mesh.store.Courier;
import dev.starling.mesh.store.MessageStore;
import dev.starling.mesh.store.SeenIds;
import dev.starling.mesh.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Simulated nodes and links over a {@link Simulator}. "Physical" links are radio contact; the routers
 * learn of them only after the link model's detection delays, as they would from the link layer. Frames
 * are delivered after latency and serialisation, lost with the model's probability, and lost if contact
 * ends while they are in flight. Every node runs the real router, courier and file store (unsynced).
 */
public final class SimNetwork {
    /** Receives every message a node's courier delivers. */
    public interface Inbox {
        void receive(SimNode at, PeerKey origin, MessageId id, byte[] payload, int hops, long now);
    }

    private final Simulator sim;
    private final LinkModel model;
    private final RoutingConfig routing;
    private final StoreConfig storeConfig;
    private final Path directory;
    private final SplittableRandom random;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<PeerKey, SimNode> byKey = new HashMap<>();
    private final Set<Long> physical = new HashSet<>();
    /** a*65536+b: node a's router has b as a neighbour. */
    private final Set<Long> logical = new HashSet<>();
    private final Map<Long, Long> busyUntil = new HashMap<>();
    private Inbox inbox = (at, origin, id, payload, hops, now) -> {};
    private long framesLost;
    static final boolean DEBUG = Boolean.getBoolean("mesh.sim.debug");
    /** Debug only: [dump bytes, triggered bytes, triggered entries, entries with signature, retractions]. */
    final long[] debug = new long[5];
    private final long[] bytesByType = new long[8];

    public SimNetwork(Simulator sim, LinkModel model, RoutingConfig routing, StoreConfig storeConfig, Path directory, long seed) {
        this.sim = sim;
        this.model = model;
        this.routing = routing;
        this.storeConfig = storeConfig;
        this.directory = directory;
        this.random = new SplittableRandom(seed);
    }

    public void inbox(Inbox i) {
        this.inbox = i;
    }

    public Simulator sim() {
        return sim;
    }

    public List<SimNode> nodes() {
        return nodes;
    }

    public SimNode node(PeerKey key) {
        return byKey.get(key);
    }

    public long framesLost() {
        return framesLost;
    }

    public SimNode addNode() {
        int index = nodes.size();
        SimNode n = new SimNode(index, Ed25519SeqnoAuth.generate(random.split()));
        try {
            Path dir = directory.resolve("node-" + index);
            n.store = MessageStore.open(dir, storeConfig);
            n.seen = SeenIds.open(dir, storeConfig, sim.now());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        n.courier = new Courier(n.store, n.seen, (origin, id, payload, hops, now) -> inbox.receive(n, origin, id, payload, hops, now),
                random.split());
        n.router = new Router(n.auth, routing, n.courier, 0);
        n.courier.attach(n.router);
        nodes.add(n);
        byKey.put(n.key(), n);
        afterCall(n);
        return n;
    }

    public boolean physical(int a, int b) {
        return physical.contains(pair(a, b));
    }

    /** Whether node a's router currently has b as a neighbour. */
    public boolean logical(int a, int b) {
        return logical.contains(dir(a, b));
    }

    /** Radio contact between a and b starts or ends; the routers hear of it after the detection delays. */
    public void setPhysical(int a, int b, boolean up) {
        if (up == physical(a, b)) {
            return;
        }
        if (up) {
            if (!nodes.get(a).on || !nodes.get(b).on) {
                return;
            }
            physical.add(pair(a, b));
            sim.after(model.detectUpMillis(), () -> {
                if (physical(a, b)) {
                    linkUp(a, b);
                }
            });
        } else {
            physical.remove(pair(a, b));
            sim.after(model.detectDownMillis(), () -> {
                if (!physical(a, b)) {
                    linkDown(a, b);
                    linkDown(b, a);
                }
            });
        }
    }

    /** Both ends learn at once that the link is closed (as when one side closes it). */
    public void cutNow(int a, int b) {
        physical.remove(pair(a, b));
        linkDown(a, b);
        linkDown(b, a);
    }

    /** Connects a and b at once, with no detection delay (for fixed topologies). */
    public void connectNow(int a, int b) {
        physical.add(pair(a, b));
        linkUp(a, b);
    }

    /** A node switches off (all its links end; it notices at once, its neighbours after the timeout) or on. */
    public void setOn(int n, boolean on) {
        SimNode node = nodes.get(n);
        if (node.on == on) {
            return;
        }
        if (!on) {
            for (SimNode other : nodes) {
                if (physical(n, other.index)) {
                    setPhysical(n, other.index, false);
                }
                linkDown(n, other.index);
            }
        }
        node.on = on;
    }

    private void linkUp(int a, int b) {
        SimNode na = nodes.get(a);
        SimNode nb = nodes.get(b);
        logical.add(dir(a, b));
        logical.add(dir(b, a));
        na.router.neighbourUp(neighbour(a, b), sim.now());
        nb.router.neighbourUp(neighbour(b, a), sim.now());
        afterCall(na);
        afterCall(nb);
    }

    private void linkDown(int a, int b) {
        if (logical.remove(dir(a, b))) {
            SimNode na = nodes.get(a);
            na.router.neighbourDown(nodes.get(b).key(), sim.now());
            afterCall(na);
        }
    }

    private Neighbour neighbour(int a, int b) {
        PeerKey bKey = nodes.get(b).key();
        return new Neighbour() {
            @Override
            public PeerKey key() {
                return bKey;
            }

            @Override
            public void send(byte[] frame) {
                transmit(a, b, frame);
            }
        };
    }

    /** Bytes sent per packet type (index = the frame's type byte), link framing not included. */
    public long[] bytesByType() {
        return bytesByType.clone();
    }

    /** Debug only: from this virtual time on, what is sent is counted by kind, source and pair. */
    long debugFrom = Long.MAX_VALUE;
    final Map<String, Long> debugCounts = new java.util.TreeMap<>();

    private void count(String k, long n) {
        debugCounts.merge(k, n, Long::sum);
    }

    private void transmit(int a, int b, byte[] frame) {
        bytesByType[frame[1] & 7] += frame.length;
        if (DEBUG && sim.now() >= debugFrom) {
            try {
                var p = dev.starling.mesh.routing.PacketCodec.decode(frame);
                String kind = p.getClass().getSimpleName();
                count("kind " + kind, 1);
                count("bucket10s " + String.format("%04d", (sim.now() - debugFrom) / 10_000) + " " + kind, frame.length);
                count("pair " + kind + " " + a + "->" + b, 1);
                if (p instanceof dev.starling.mesh.routing.Packet.Update u) {
                    if (u.reset()) {
                        count("kind Update.reset", 1);
                    }
                    for (var e : u.entries()) {
                        count("src update " + byKey.get(e.source()).index + (e.retraction() ? " retract" : ""), 1);
                    }
                } else if (p instanceof dev.starling.mesh.routing.Packet.SeqnoRequest r) {
                    count("src seqreq " + byKey.get(r.source()).index, 1);
                }
            } catch (dev.starling.mesh.routing.MalformedPacketException e) {
                throw new IllegalStateException(e);
            }
        }
        if (DEBUG && frame[1] == 1) {
            try {
                var u = (dev.starling.mesh.routing.Packet.Update) dev.starling.mesh.routing.PacketCodec.decode(frame);
                if (u.reset()) {
                    debug[0] += frame.length;
                } else {
                    debug[1] += frame.length;
                    debug[2] += u.entries().size();
                    for (var e : u.entries()) {
                        debug[3] += e.signature() != null ? 1 : 0;
                        debug[4] += e.retraction() ? 1 : 0;
                    }
                }
            } catch (dev.starling.mesh.routing.MalformedPacketException e) {
                throw new IllegalStateException(e);
            }
        }
        if (!physical(a, b)) {
            framesLost++;
            return;
        }
        long d = dir(a, b);
        long start = Math.max(sim.now(), busyUntil.getOrDefault(d, 0L));
        long tx = (long) Math.ceil((frame.length + model.frameOverhead()) / model.bytesPerMilli());
        busyUntil.put(d, start + tx);
        if (model.loss() > 0 && random.nextDouble() < model.loss()) {
            framesLost++;
            return;
        }
        SimNode nb = nodes.get(b);
        PeerKey aKey = nodes.get(a).key();
        sim.at(start + tx + model.latencyMillis(), () -> {
            if (physical(a, b) && logical(b, a)) {
                nb.router.receive(aKey, frame, sim.now());
                afterCall(nb);
            } else {
                framesLost++;
            }
        });
    }

    /** Sends a message from node {@code from} through its courier. */
    public MessageId send(SimNode from, PeerKey to, byte[] payload) {
        MessageId id = from.courier.send(to, payload, sim.now());
        afterCall(from);
        return id;
    }

    /** Schedules the node's next timer after any call into it. */
    void afterCall(SimNode n) {
        long now = sim.now();
        long t = Math.min(n.router.nextWakeup(now), n.courier.nextWakeup(now));
        if (t < n.scheduledWake || n.scheduledWake < now) {
            n.scheduledWake = t;
            sim.at(t, () -> {
                if (n.scheduledWake == t) {
                    n.scheduledWake = Long.MAX_VALUE;
                    n.router.tick(sim.now());
                    n.courier.tick(sim.now());
                    afterCall(n);
                }
            });
        }
    }

    public void close() {
        for (SimNode n : nodes) {
            try {
                n.store.close();
                n.seen.close();
            } catch (IOException ignored) {
                // temporary files
            }
        }
    }

    private static long pair(int a, int b) {
        return a < b ? ((long) a << 16) | b : ((long) b << 16) | a;
    }

    private static long dir(int a, int b) {
        return ((long) a << 16) | b;
    }
}
