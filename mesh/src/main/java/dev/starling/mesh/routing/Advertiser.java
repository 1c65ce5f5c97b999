package dev.starling.mesh.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Router} tells its neighbours: full dumps, per-neighbour triggered updates, and seqno requests
 * (sending, answering, forwarding toward the source). Split out of the router by operation; it shares the
 * router's table and adjacencies and runs on the router's thread. See README.md, "Routing protocol".
 */
final class Advertiser {
    private final PeerKey self;
    private final RoutingConfig config;
    private final RouterStats stats;
    private final RouteTable table;
    private final Map<PeerKey, Adjacency> adjacencies;

    Advertiser(PeerKey self, RoutingConfig config, RouterStats stats, RouteTable table, Map<PeerKey, Adjacency> adjacencies) {
        this.self = self;
        this.config = config;
        this.stats = stats;
        this.table = table;
        this.adjacencies = adjacencies;
    }

    /**
     * RFC 8966 3.8.1.2: the source answers a request for a newer seqno by increasing its own (rate-limited);
     * a node whose selected route is fresh enough (and does not go through the requester) answers from it;
     * any other node remembers who asked and forwards the request toward the source only. Answers go only to
     * the neighbour that asked, and travel back along the request's path (see {@link #entryFor}).
     */
    void onSeqnoRequest(Adjacency from, Packet.SeqnoRequest r, long now) {
        if (r.source().equals(self)) {
            table.bumpOwnSeqno(r.seqno(), now);
            sendEntries(from, List.of(table.ownEntry()));
            return;
        }
        RouteTable.Source s = table.sources.get(r.source());
        if (s == null) {
            return;
        }
        if (s.nextHop != null && !s.nextHop.equals(from.key) && !Seqno.newer(r.seqno(), s.seqno)) {
            sendEntries(from, List.of(new Packet.RouteEntry(s.key, s.seqno, s.metric, s.signature)));
            return;
        }
        if (s.requestedBy.size() < MAX_REQUESTERS || s.requestedBy.containsKey(from.key)) {
            s.requestedBy.put(from.key, new long[] {r.seqno(), now + REQUEST_LIFETIME_FACTOR * config.seqnoRequestIntervalMillis()});
        }
        if (r.hopCount() <= 1 || (s.lastForwardedRequest == r.seqno()
                && now - s.lastForwardedAt < config.seqnoRequestIntervalMillis())) {
            return;
        }
        Adjacency toward = towardSource(s, from.key);
        if (toward != null) {
            s.lastForwardedRequest = r.seqno();
            s.lastForwardedAt = now;
            sendControl(toward, new Packet.SeqnoRequest(r.source(), r.seqno(), r.hopCount() - 1));
        }
    }

    /** A forwarded request is remembered for this many request intervals; at most this many requesters per source. */
    private static final int REQUEST_LIFETIME_FACTOR = 4;
    private static final int MAX_REQUESTERS = 16;

    /** The selected next hop, else the neighbour with the best (even infeasible) valid route, never {@code not}. */
    Adjacency towardSource(RouteTable.Source s, PeerKey not) {
        if (s.nextHop != null && !s.nextHop.equals(not)) {
            return adjacencies.get(s.nextHop);
        }
        Adjacency best = null;
        int bestMetric = Integer.MAX_VALUE;
        for (Adjacency adj : adjacencies.values()) {
            Adjacency.Advert a = adj.mirror.get(s.key);
            if (!adj.key.equals(not) && a != null && a.valid() && a.metric() < bestMetric) {
                best = adj;
                bestMetric = a.metric();
            }
        }
        return best;
    }

    /**
     * Seqno requests of a starving node (only infeasible routes left): to the one neighbour with the best valid
     * (infeasible) route, which forwards it toward the source; repeated while starving with the interval
     * doubling up to {@link #MAX_REQUEST_INTERVAL_FACTOR} times the configured one (RFC 8966 3.8.2: requests are
     * resent a few times, not forever at full rate).
     */
    void requestSeqnos(long now) {
        for (PeerKey key : List.copyOf(table.starving)) {
            RouteTable.Source s = table.sources.get(key);
            if (now - s.lastSeqnoRequest < s.requestInterval) {
                continue;
            }
            s.lastSeqnoRequest = now;
            s.requestInterval = Math.min(s.requestInterval * 2, MAX_REQUEST_INTERVAL_FACTOR * config.seqnoRequestIntervalMillis());
            int wanted = s.hasFd ? Seqno.next(s.fdSeqno) : 0;
            Adjacency toward = towardSource(s, null);
            if (toward != null) {
                sendControl(toward, new Packet.SeqnoRequest(key, wanted, config.hopLimit()));
                stats.seqnoRequestsSent++;
            }
        }
    }

    private static final int MAX_REQUEST_INTERVAL_FACTOR = 16;

    /**
     * A full dump: the first frame has {@code reset}; every frame but the last is full and the last has fewer
     * than {@link Packet#MAX_UPDATE_ENTRIES} entries (63 + 1 when the count is a multiple of 64), so that the
     * receiver knows when it has ended and forgets what the dump left out only then.
     */
    void sendDump(Adjacency adj, long now) {
        adj.lastDumpSentAt = now;
        List<Packet.RouteEntry> all = table.dump(adj.key);
        adj.signatureSent.clear();
        adj.told.clear();
        for (Packet.RouteEntry e : all) {
            adj.signatureSent.put(e.source(), e.seqno());
            adj.told.put(e.source(), e.seqno() << 16 | e.metric());
            table.advertised(e.source(), e.seqno(), e.metric());
        }
        // Full frames, then one of fewer entries, which tells the receiver the dump has ended (Router#endDump).
        int full = Packet.MAX_UPDATE_ENTRIES;
        for (int i = 0; i < all.size(); ) {
            int n = Math.min(all.size() - i, all.size() - i == full ? full - 1 : full);
            sendControl(adj, new Packet.Update(i == 0, all.subList(i, i + n)));
            i += n;
        }
    }

    /**
     * Triggered updates, per neighbour (RFC 8966 3.7.2): each neighbour is told only what changed significantly
     * for it since it was last told — a route it does not know yet, a retraction (no route any more, or split
     * horizon: the route now goes through it), a new metric — or a newer seqno that it asked for. A new seqno
     * alone is not sent: it would flood the whole mesh after every seqno increase.
     */
    void flushChanges(long now) {
        List<PeerKey> changed = table.takePending();
        if (changed.isEmpty()) {
            return;
        }
        for (Adjacency adj : adjacencies.values()) {
            List<Packet.RouteEntry> out = null;
            for (PeerKey key : changed) {
                Packet.RouteEntry e = entryFor(adj, table.sources.get(key), now);
                if (e != null) {
                    if (out == null) {
                        out = new ArrayList<>();
                    }
                    out.add(e);
                }
            }
            if (out != null) {
                sendEntries(adj, out);
            }
        }
    }

    /** What {@code adj} must be told about {@code s} now, or null when nothing significant changed for it. */
    private Packet.RouteEntry entryFor(Adjacency adj, RouteTable.Source s, long now) {
        Integer told = adj.told.get(s.key);
        if (s.nextHop == null || s.nextHop.equals(adj.key)) {
            return told == null ? null : new Packet.RouteEntry(s.key, told >>> 16, Packet.INFINITY, null);
        }
        boolean requested = takeRequest(s, adj.key, now);
        if (told == null || (told & 0xFFFF) != s.metric || (told >>> 16 != s.seqno && requested)) {
            return new Packet.RouteEntry(s.key, s.seqno, s.metric, s.signature);
        }
        return null;
    }

    /** Whether {@code neighbour} asked for a seqno of {@code s} that the selected route now satisfies (and forgets it). */
    private static boolean takeRequest(RouteTable.Source s, PeerKey neighbour, long now) {
        long[] req = s.requestedBy.get(neighbour);
        if (req == null) {
            return false;
        }
        if (now > req[1]) {
            s.requestedBy.remove(neighbour);
            return false;
        }
        if (Seqno.newer((int) req[0], s.seqno)) {
            return false;
        }
        s.requestedBy.remove(neighbour);
        return true;
    }

    /** Sends entries to one neighbour, recording what it was told and the feasibility distances. */
    void sendEntries(Adjacency adj, List<Packet.RouteEntry> entries) {
        List<Packet.RouteEntry> mine = new ArrayList<>(entries.size());
        for (Packet.RouteEntry e : entries) {
            if (e.retraction()) {
                adj.told.remove(e.source());
                mine.add(e);
            } else {
                adj.told.put(e.source(), e.seqno() << 16 | e.metric());
                table.advertised(e.source(), e.seqno(), e.metric());
                mine.add(adj.forLink(e));
            }
        }
        for (int i = 0; i < mine.size(); i += Packet.MAX_UPDATE_ENTRIES) {
            sendControl(adj, new Packet.Update(mine.subList(i, Math.min(mine.size(), i + Packet.MAX_UPDATE_ENTRIES))));
        }
    }

    void sendControl(Adjacency adj, Packet p) {
        byte[] frame = PacketCodec.encode(p);
        stats.controlFramesSent++;
        stats.controlBytesSent += frame.length;
        adj.link.send(frame);
    }
}
