package dev.starling.mesh.routing;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The control plane of {@link Router}: per-source feasibility distances, route selection and what this
 * node advertises (RFC 8966 sections 3.5 to 3.7, with hop count as the metric).
 *
 * <p>Loop freedom comes from the feasibility condition: a route advertised with (seqno, metric) is usable
 * only if its seqno is newer than the source's feasibility distance, or equal with a strictly smaller
 * metric. Routes that are stored but infeasible are never selected; when only such routes remain, the
 * node asks the source for a new seqno.
 */
final class RouteTable {
    private static final System.Logger LOG = System.getLogger(RouteTable.class.getName());

    /** What this node knows and says about one source. */
    static final class Source {
        final PeerKey key;
        boolean hasFd;
        int fdSeqno;
        int fdMetric;
        /** The selected route; {@code nextHop == null} when there is none. */
        PeerKey nextHop;
        int seqno;
        int metric;
        byte[] signature;
        /** Neighbours that asked (or forwarded a request) for a seqno at least this new: they get the update. */
        final Map<PeerKey, long[]> requestedBy = new java.util.HashMap<>(4);
        long lastSeqnoRequest = Long.MIN_VALUE / 2;
        /** The current interval between this node's own requests for this source (doubles while starving). */
        long requestInterval;
        int lastForwardedRequest = -1;
        long lastForwardedAt = Long.MIN_VALUE / 2;
        int verifiedSeqno = -1;
        byte[] verifiedSignature;

        Source(PeerKey key) {
            this.key = key;
        }
    }

    private final PeerKey self;
    private final SeqnoAuth auth;
    private final RoutingConfig config;
    private final RouterStats stats;
    final Map<PeerKey, Source> sources = new java.util.HashMap<>();
    int ownSeqno;
    byte[] ownSignature;
    /** Sources whose advertisement changed since the last flush. */
    final Set<PeerKey> pending = new LinkedHashSet<>();
    /** Sources with no feasible route but some infeasible one: candidates for a seqno request. */
    final Set<PeerKey> starving = new HashSet<>();
    /** Sources that started starving since the router last looked. */
    final List<PeerKey> newlyStarving = new ArrayList<>();
    /** Sources that became reachable, or moved to another next hop, since the router last reported. */
    final List<PeerKey> newlyReachable = new ArrayList<>();

    RouteTable(SeqnoAuth auth, RoutingConfig config, RouterStats stats, int initialSeqno) {
        this.self = auth.self();
        this.auth = auth;
        this.config = config;
        this.stats = stats;
        this.ownSeqno = initialSeqno & 0xFFFF;
        this.ownSignature = auth.signOwn(ownSeqno);
    }

    /**
     * Decides whether a finite route entry from {@code neighbour} is possible at all, before feasibility:
     * only the source itself is at metric 0, no metric reaches the hop limit, and the seqno must carry the
     * source's signature. Refused entries are kept (as invalid) only so that summaries still match.
     */
    Adjacency.Advert judge(PeerKey neighbour, Packet.RouteEntry e) {
        PeerKey source = e.source();
        String refusal = null;
        if (source.equals(self)) {
            return new Adjacency.Advert(e.seqno(), e.metric(), null, false); // our own route, echoed
        }
        byte[] sig = e.signature();
        if (sig == null) {
            sig = knownSignature(source, e.seqno());
            if (sig == null) {
                return null; // we never saw this seqno's signature (a lost frame): the caller asks for a dump
            }
        }
        if (source.equals(neighbour) && e.metric() != 0) {
            refusal = "neighbour advertises itself at a non-zero metric";
        } else if (!source.equals(neighbour) && e.metric() == 0) {
            refusal = "metric 0 for a source other than the neighbour (claims to be it)";
        } else if (e.metric() >= Packet.MAX_HOPS) {
            refusal = "metric " + e.metric() + " at or beyond the hop limit";
        } else if (!sources.containsKey(source) && sources.size() >= config.maxSources()) {
            refusal = "source table full";
        } else if (!verified(source, e.seqno(), sig)) {
            refusal = "seqno not signed by the source";
        }
        if (refusal != null) {
            stats.rejectedRoutes++;
            LOG.log(Level.WARNING, "mesh route refused neighbour={0} source={1} seqno={2} metric={3} reason={4}",
                    neighbour, source, e.seqno(), e.metric(), refusal);
            return new Adjacency.Advert(e.seqno(), e.metric(), null, false);
        }
        return new Adjacency.Advert(e.seqno(), e.metric(), sig, true);
    }

    private record Signed(PeerKey source, int seqno) {}

    /** Recently verified signatures (any seqno), so that an older seqno seen again is not verified again. */
    private final java.util.LinkedHashMap<Signed, byte[]> verifiedRecently = new java.util.LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Signed, byte[]> eldest) {
            return size() > 4 * config.maxSources();
        }
    };

    /**
     * The signature of {@code source}'s {@code seqno} if this node verified it (the newest one per source, and
     * recently verified older ones: neighbours may advertise an older seqno than ours without its signature).
     */
    private byte[] knownSignature(PeerKey source, int seqno) {
        Source s = sources.get(source);
        if (s != null && s.verifiedSeqno == seqno) {
            return s.verifiedSignature;
        }
        return verifiedRecently.get(new Signed(source, seqno));
    }

    private boolean verified(PeerKey source, int seqno, byte[] sig) {
        Source s = sources.get(source);
        if (s != null && s.verifiedSeqno == seqno && java.util.Arrays.equals(s.verifiedSignature, sig)) {
            return true;
        }
        Signed key = new Signed(source, seqno);
        if (!java.util.Arrays.equals(verifiedRecently.get(key), sig)) {
            if (!auth.verify(source, seqno, sig)) {
                return false;
            }
            verifiedRecently.put(key, sig.clone());
        }
        s = sources.computeIfAbsent(source, Source::new);
        if (s.verifiedSignature == null || !Seqno.newer(s.verifiedSeqno, seqno)) {
            s.verifiedSeqno = seqno; // the cache keeps the newest verified seqno
            s.verifiedSignature = sig.clone();
        }
        return true;
    }

    /** RFC 8966 3.5.1: the feasibility condition against this node's feasibility distance for the source. */
    static boolean feasible(Source s, int seqno, int metric) {
        if (metric == Packet.INFINITY || !s.hasFd) {
            return true;
        }
        return Seqno.newer(seqno, s.fdSeqno) || (seqno == s.fdSeqno && metric < s.fdMetric);
    }

    /**
     * {@link #reselect} after only {@code changed}'s advertisement for {@code source} changed to {@code now}
     * (null: withdrawn). Skips the scan when it cannot change the selection: there is a selected route, it is
     * not through {@code changed}, and the new advertisement is unusable or not strictly shorter (ties keep
     * the current next hop). Same result as {@link #reselect}, less work.
     */
    void reselectAfter(PeerKey source, Adjacency changed, Adjacency.Advert now, Collection<Adjacency> adjacencies) {
        Source s = sources.get(source);
        if (s != null && s.nextHop != null && !changed.key.equals(s.nextHop)
                && (now == null || !now.valid() || !feasible(s, now.seqno(), now.metric()) || now.metric() + 1 >= s.metric)) {
            return;
        }
        reselect(source, adjacencies);
    }

    /** Re-selects the route to {@code source} from every neighbour's advertisements. */
    void reselect(PeerKey source, Collection<Adjacency> adjacencies) {
        if (source.equals(self)) {
            return;
        }
        Source s = sources.get(source);
        if (s == null) {
            return;
        }
        Adjacency best = null;
        Adjacency.Advert bestAdvert = null;
        boolean infeasibleSeen = false;
        for (Adjacency adj : adjacencies) {
            Adjacency.Advert a = adj.mirror.get(source);
            if (a == null || !a.valid()) {
                continue;
            }
            if (!feasible(s, a.seqno(), a.metric())) {
                infeasibleSeen = true;
                continue;
            }
            if (best == null || a.metric() < bestAdvert.metric()
                    || (a.metric() == bestAdvert.metric() && preferOver(adj.key, best.key, s.nextHop))) {
                best = adj;
                bestAdvert = a;
            }
        }
        PeerKey previous = s.nextHop;
        int previousSeqno = s.seqno;
        int previousMetric = s.metric;
        if (best != null) {
            s.nextHop = best.key;
            s.seqno = bestAdvert.seqno();
            s.metric = bestAdvert.metric() + 1;
            s.signature = bestAdvert.signature();
            starving.remove(source);
            if (!best.key.equals(previous)) {
                newlyReachable.add(source); // appeared, or moved: held messages may go now
            }
            if (!best.key.equals(previous) || previousSeqno != s.seqno || previousMetric != s.metric) {
                pending.add(source);
            }
        } else {
            s.nextHop = null;
            if (previous != null) {
                pending.add(source);
            }
            if (infeasibleSeen) {
                if (starving.add(source)) {
                    newlyStarving.add(source);
                }
            } else {
                starving.remove(source);
            }
        }
    }

    /** Ties keep the current next hop (stability), then take the smaller key (determinism). */
    private static boolean preferOver(PeerKey candidate, PeerKey incumbent, PeerKey current) {
        if (incumbent.equals(current)) {
            return false;
        }
        return candidate.equals(current) || candidate.compareTo(incumbent) < 0;
    }

    /** The sources whose selected route changed since the last call (the router decides who is told what). */
    List<PeerKey> takePending() {
        List<PeerKey> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    /**
     * Records that a finite route (seqno, metric) to {@code source} was advertised to some neighbour: the
     * feasibility distance only ever improves (RFC 8966 3.5.1), so it stays at least as good as anything any
     * neighbour was told, whichever neighbours were told.
     */
    void advertised(PeerKey source, int seqno, int metric) {
        Source s = sources.get(source);
        if (s == null) {
            return; // our own entry
        }
        if (!s.hasFd || Seqno.newer(seqno, s.fdSeqno)) {
            s.hasFd = true;
            s.fdSeqno = seqno;
            s.fdMetric = metric;
        } else if (seqno == s.fdSeqno && metric < s.fdMetric) {
            s.fdMetric = metric;
        }
    }

    Packet.RouteEntry ownEntry() {
        return new Packet.RouteEntry(self, ownSeqno, 0, ownSignature);
    }

    /** Seqno increases allowed in a burst, and how often one more is allowed. */
    static final int BUMP_BURST = 4;
    static final long BUMP_REFILL_MILLIS = 250;
    private double bumpTokens = BUMP_BURST;
    private long bumpTokensAt = Long.MIN_VALUE / 2;

    /**
     * RFC 8966 3.8.1.2: a request for a newer seqno of our own makes us increase it by one, which floods an
     * update through the mesh; a token bucket (4, then one per 250 ms) keeps a neighbour that asks again and
     * again from turning that into a flood of floods.
     */
    boolean bumpOwnSeqno(int requested, long now) {
        if (!Seqno.newer(requested, ownSeqno)) {
            return false;
        }
        bumpTokens = Math.min(BUMP_BURST, bumpTokens + (now - bumpTokensAt) / (double) BUMP_REFILL_MILLIS);
        bumpTokensAt = now;
        if (bumpTokens < 1) {
            stats.seqnoBumpsRefused++;
            return false;
        }
        bumpTokens -= 1;
        ownSeqno = Seqno.next(ownSeqno);
        ownSignature = auth.signOwn(ownSeqno);
        return true;
    }

    /**
     * Everything this node advertises to {@code neighbour} in a full dump, in key order: its own entry and every
     * selected route except those through that neighbour (split horizon: a route is not offered back to the
     * node it goes through, which spares most seqno requests after a link loss).
     */
    List<Packet.RouteEntry> dump(PeerKey neighbour) {
        List<Packet.RouteEntry> all = new ArrayList<>(sources.size() + 1);
        boolean ownDone = false;
        for (Source s : new TreeMap<>(sources).values()) {
            if (!ownDone && s.key.compareTo(self) > 0) {
                all.add(ownEntry());
                ownDone = true;
            }
            if (s.nextHop != null && !neighbour.equals(s.nextHop)) {
                all.add(new Packet.RouteEntry(s.key, s.seqno, s.metric, s.signature));
            }
        }
        if (!ownDone) {
            all.add(ownEntry());
        }
        return all;
    }
}
