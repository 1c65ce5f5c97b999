package dev.starling.mesh.routing;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One node's router: a loop-free distance-vector protocol in the spirit of Babel (RFC 8966) plus hop-by-hop
 * acknowledged data forwarding. See README.md for the protocol and its wire format.
 *
 * <p>Not thread-safe and never blocking: the owner calls every method from one thread (an executor in a
 * node, the event loop in the simulator) with the current time in milliseconds, and calls {@link #tick}
 * no later than the time the previous call to {@link #nextWakeup} returned.
 */
public final class Router {
    private static final System.Logger LOG = System.getLogger(Router.class.getName());

    private final PeerKey self;
    private final RoutingConfig config;
    private final RouterEvents events;
    private final RouterStats stats = new RouterStats();
    private final RouteTable table;
    private final Map<PeerKey, Adjacency> adjacencies = new HashMap<>();
    private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
    private final Advertiser advertiser;
    private int depth;

    /**
     * @param initialSeqno this node's first seqno: persist the last one across restarts where possible (a
     *     restarted node with a stale seqno is also repaired by seqno requests, only more slowly)
     */
    public Router(SeqnoAuth auth, RoutingConfig config, RouterEvents events, int initialSeqno) {
        this.self = auth.self();
        this.config = config;
        this.events = events;
        this.table = new RouteTable(auth, config, stats, initialSeqno);
        this.advertiser = new Advertiser(self, config, stats, table, adjacencies);
    }

    public PeerKey self() {
        return self;
    }

    public RouterStats stats() {
        return stats;
    }

    public RoutingConfig config() {
        return config;
    }

    /** This node's current seqno (to persist). */
    public int ownSeqno() {
        return table.ownSeqno;
    }

    /** The selected route to {@code destination}, if any. */
    public Optional<Route> route(PeerKey destination) {
        RouteTable.Source s = table.sources.get(destination);
        if (s == null || s.nextHop == null) {
            return Optional.empty();
        }
        return Optional.of(new Route(destination, s.nextHop, s.metric, s.seqno));
    }

    /** Every selected route. */
    public List<Route> routes() {
        List<Route> out = new ArrayList<>();
        for (RouteTable.Source s : table.sources.values()) {
            if (s.nextHop != null) {
                out.add(new Route(s.key, s.nextHop, s.metric, s.seqno));
            }
        }
        out.sort(java.util.Comparator.comparing(Route::destination));
        return out;
    }

    public Set<PeerKey> neighbours() {
        return Collections.unmodifiableSet(adjacencies.keySet());
    }

    /** A link to {@code neighbour} was authenticated: send it everything we know. */
    public void neighbourUp(Neighbour neighbour, long now) {
        depth++;
        try {
            if (adjacencies.containsKey(neighbour.key())) {
                dropAdjacency(neighbour.key(), now);
            }
            Adjacency adj = new Adjacency(neighbour);
            adjacencies.put(adj.key, adj);
            adj.nextSummaryAt = now + config.summaryIntervalMillis();
            advertiser.sendDump(adj, now);
        } finally {
            finish(now);
        }
    }

    /** The link to {@code key} is gone (closed, or its keepalive timed out). */
    public void neighbourDown(PeerKey key, long now) {
        depth++;
        try {
            dropAdjacency(key, now);
        } finally {
            finish(now);
        }
    }

    /**
     * Sends an application message from this node. Returns false when there is no route: nothing was sent
     * and the caller keeps custody (stores it). When true, {@link RouterEvents#hopAcknowledged} or
     * {@link RouterEvents#undeliverable} follows.
     */
    public boolean send(PeerKey destination, MessageId id, byte[] payload, long now) {
        depth++;
        try {
            return forward(new Packet.Data(0, config.hopLimit(), id, self, destination, payload), now);
        } finally {
            finish(now);
        }
    }

    /** Forwards a packet this node held in custody (from the store), keeping its remaining hop limit. */
    public boolean resend(Packet.Data packet, long now) {
        depth++;
        try {
            return forward(packet, now);
        } finally {
            finish(now);
        }
    }

    /** A frame arrived from neighbour {@code from}. Malformed frames are dropped and counted. */
    public void receive(PeerKey from, byte[] frame, long now) {
        depth++;
        try {
            Adjacency adj = adjacencies.get(from);
            if (adj == null) {
                return; // a frame racing a link's teardown
            }
            Packet packet;
            try {
                packet = PacketCodec.decode(frame);
            } catch (MalformedPacketException e) {
                stats.malformedDropped++;
                LOG.log(Level.WARNING, "mesh frame dropped neighbour={0} reason={1}", from, e.reason());
                return;
            }
            switch (packet) {
                case Packet.Update u -> onUpdate(adj, u, now);
                case Packet.Summary s -> onSummary(adj, s, now);
                case Packet.DumpRequest d -> {
                    if (now - adj.lastDumpSentAt >= config.dumpRequestMinIntervalMillis()) {
                        advertiser.sendDump(adj, now);
                    }
                }
                case Packet.SeqnoRequest r -> advertiser.onSeqnoRequest(adj, r, now);
                case Packet.Data d -> onData(adj, d, now);
                case Packet.Ack a -> {
                    Adjacency.InFlight f = adj.inFlight.remove(a.hopSeq());
                    if (f != null) {
                        MessageId id = f.packet.id();
                        deferred.add(() -> events.hopAcknowledged(id, now));
                    }
                }
            }
        } finally {
            finish(now);
        }
    }

    /** Retransmissions, summaries and seqno requests that are due. */
    public void tick(long now) {
        depth++;
        try {
            for (Adjacency adj : List.copyOf(adjacencies.values())) {
                retransmit(adj, now);
                if (now >= adj.nextSummaryAt) {
                    advertiser.sendControl(adj, adj.summary());
                    adj.nextSummaryAt = now + config.summaryIntervalMillis();
                }
            }
            advertiser.requestSeqnos(now);
        } finally {
            finish(now);
        }
    }

    /** The latest time by which {@link #tick} must be called next. */
    public long nextWakeup(long now) {
        long next = now + config.summaryIntervalMillis();
        for (Adjacency adj : adjacencies.values()) {
            next = Math.min(next, adj.nextSummaryAt);
            for (Adjacency.InFlight f : adj.inFlight.values()) {
                next = Math.min(next, f.deadline);
            }
        }
        for (PeerKey key : table.starving) {
            RouteTable.Source s = table.sources.get(key);
            next = Math.min(next, s.lastSeqnoRequest + s.requestInterval);
        }
        return Math.max(next, now);
    }

    // ---- control plane

    private void onUpdate(Adjacency adj, Packet.Update update, long now) {
        if (update.reset()) {
            endDump(adj); // a dump that never ended (a hostile or broken neighbour): forget its leftovers
            adj.dumpStale = new java.util.HashSet<>(adj.mirror.keySet());
        }
        for (Packet.RouteEntry e : update.entries()) {
            if (adj.dumpStale != null) {
                adj.dumpStale.remove(e.source());
            }
            Adjacency.Advert a = null;
            if (e.retraction()) {
                adj.mirror.remove(e.source());
            } else {
                a = table.judge(adj.key, e);
                if (a == null) {
                    adj.needDump = true;
                    a = new Adjacency.Advert(e.seqno(), e.metric(), null, false);
                }
                adj.mirror.put(e.source(), a);
            }
            table.reselectAfter(e.source(), adj, a, adjacencies.values());
        }
        if (update.entries().size() < Packet.MAX_UPDATE_ENTRIES) {
            endDump(adj);
        }
        adj.mirrorChanged();
        if (adj.needDump && now - adj.lastDumpRequestAt >= config.dumpRequestMinIntervalMillis()) {
            adj.needDump = false;
            adj.lastDumpRequestAt = now;
            advertiser.sendControl(adj, new Packet.DumpRequest());
        }
    }

    /**
     * Ends a dump from {@code adj}: what it advertised before and the dump did not repeat is forgotten. A dump
     * spans several frames (the first with {@code reset}, then full frames, ending with the first frame of fewer
     * than {@link Packet#MAX_UPDATE_ENTRIES} entries, see {@link Advertiser#sendDump}); forgetting at the first
     * frame would withdraw, for the few milliseconds until the later frames arrive, every route they carry,
     * and those transient withdrawals (retractions, starvation, seqno requests) spread through the mesh.
     */
    private void endDump(Adjacency adj) {
        java.util.Set<PeerKey> stale = adj.dumpStale;
        if (stale == null) {
            return;
        }
        adj.dumpStale = null;
        for (PeerKey source : stale) {
            adj.mirror.remove(source);
            table.reselectAfter(source, adj, null, adjacencies.values());
        }
        adj.mirrorChanged();
    }

    private void onSummary(Adjacency adj, Packet.Summary s, long now) {
        endDump(adj);
        if ((s.count() != adj.mirror.size() || s.digest() != adj.mirrorDigest())
                && now - adj.lastDumpRequestAt >= config.dumpRequestMinIntervalMillis()) {
            adj.lastDumpRequestAt = now;
            advertiser.sendControl(adj, new Packet.DumpRequest());
        }
    }


    private void dropAdjacency(PeerKey key, long now) {
        Adjacency adj = adjacencies.remove(key);
        if (adj == null) {
            return;
        }
        for (PeerKey source : adj.mirror.keySet()) {
            table.reselect(source, adjacencies.values());
        }
        for (Adjacency.InFlight f : adj.inFlight.values()) {
            handBack(f.packet, null, now);
        }
        adj.inFlight.clear();
    }

    // ---- data plane

    private boolean forward(Packet.Data packet, long now) {
        if (packet.destination().equals(self)) {
            int hops = config.hopLimit() - packet.hopLimit();
            deferred.add(() -> events.deliver(packet.origin(), packet.id(), packet.payload(), hops, now));
            return true;
        }
        RouteTable.Source s = table.sources.get(packet.destination());
        if (s == null || s.nextHop == null) {
            return false;
        }
        Adjacency adj = adjacencies.get(s.nextHop);
        Packet.Data onHop = packet.withHop(adj.takeHopSeq(), packet.hopLimit());
        adj.inFlight.put(onHop.hopSeq(), new Adjacency.InFlight(onHop, now + config.ackTimeoutMillis()));
        sendData(adj, onHop);
        return true;
    }

    private void onData(Adjacency adj, Packet.Data d, long now) {
        advertiser.sendControl(adj, new Packet.Ack(d.hopSeq()));
        if (!adj.firstSight(d.hopSeq())) {
            stats.duplicateData++;
            return;
        }
        if (d.destination().equals(self)) {
            int hops = config.hopLimit() - d.hopLimit() + 1;
            deferred.add(() -> events.deliver(d.origin(), d.id(), d.payload(), hops, now));
            return;
        }
        if (d.hopLimit() <= 1) {
            stats.hopLimitDrops++;
            LOG.log(Level.DEBUG, "mesh data dropped: hop limit reached neighbour={0} destination={1}",
                    adj.key, d.destination());
            return;
        }
        Packet.Data next = d.withHop(0, d.hopLimit() - 1);
        if (!forward(next, now)) {
            handBack(next, null, now);
        }
    }

    private void retransmit(Adjacency adj, long now) {
        List<Adjacency.InFlight> failed = null;
        for (Iterator<Adjacency.InFlight> it = adj.inFlight.values().iterator(); it.hasNext(); ) {
            Adjacency.InFlight f = it.next();
            if (f.deadline > now) {
                continue;
            }
            if (f.attempts < config.maxRetransmissions()) {
                f.attempts++;
                f.deadline = now + (config.ackTimeoutMillis() << f.attempts);
                stats.retransmissions++;
                sendData(adj, f.packet);
            } else {
                it.remove();
                if (failed == null) {
                    failed = new ArrayList<>();
                }
                failed.add(f);
            }
        }
        if (failed != null) {
            for (Adjacency.InFlight f : failed) {
                handBack(f.packet, adj.key, now);
            }
        }
    }

    /** Re-routes a packet whose hop failed if the route has moved elsewhere, else gives custody to the caller. */
    private void handBack(Packet.Data packet, PeerKey failedHop, long now) {
        RouteTable.Source s = table.sources.get(packet.destination());
        if (s != null && s.nextHop != null && !s.nextHop.equals(failedHop) && forward(packet, now)) {
            return;
        }
        stats.handedBack++;
        deferred.add(() -> events.undeliverable(packet, now));
    }

    private void sendData(Adjacency adj, Packet.Data d) {
        byte[] frame = PacketCodec.encode(d);
        stats.dataFramesSent++;
        stats.dataBytesSent += frame.length;
        adj.link.send(frame);
    }

    /** Ends a public call: sends triggered updates, then (outermost call only) tells the layer above. */
    private void finish(long now) {
        advertiser.flushChanges(now);
        if (!table.newlyReachable.isEmpty()) {
            for (PeerKey key : table.newlyReachable) {
                deferred.add(() -> events.reachable(key, now));
            }
            table.newlyReachable.clear();
        }
        for (PeerKey key : table.newlyStarving) {
            RouteTable.Source s = table.sources.get(key);
            s.requestInterval = config.seqnoRequestIntervalMillis();
            long firstAt = now + config.seqnoRequestDelayMillis() - config.seqnoRequestIntervalMillis();
            s.lastSeqnoRequest = Math.max(s.lastSeqnoRequest, firstAt);
        }
        table.newlyStarving.clear();
        depth--;
        if (depth == 0) {
            depth++;
            try {
                Runnable r;
                while ((r = deferred.poll()) != null) {
                    r.run();
                }
            } finally {
                depth--;
            }
        }
    }
}
