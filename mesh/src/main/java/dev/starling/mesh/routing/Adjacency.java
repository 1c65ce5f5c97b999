package dev.starling.mesh.routing;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The router's state for one neighbour: what it advertised to us, and the data packets in flight to it. */
final class Adjacency {
    /** One route as the neighbour advertised it; {@code valid} is false for entries refused as impossible. */
    record Advert(int seqno, int metric, byte[] signature, boolean valid) {}

    /** A data packet sent on this hop and not yet acknowledged. */
    static final class InFlight {
        final Packet.Data packet;
        int attempts;
        long deadline;

        InFlight(Packet.Data packet, long deadline) {
            this.packet = packet;
            this.deadline = deadline;
        }
    }

    private static final int RECENT_HOP_SEQS = 4096;

    final Neighbour link;
    final PeerKey key;
    /** Everything the neighbour currently advertises, by source, valid or not (the summary covers all). */
    final Map<PeerKey, Advert> mirror = new java.util.HashMap<>();
    private long mirrorDigest;
    private boolean mirrorDirty = true;

    /**
     * What this neighbour was last told, by source (our own entry included): {@code seqno << 16 | metric} of
     * each finite entry; a retraction removes it. Summaries cover exactly this, so a neighbour need not be told
     * every change (a seqno alone is not news, RFC 8966 3.7.2) and summaries still match.
     */
    final Map<PeerKey, Integer> told = new java.util.HashMap<>();
    /** Per source, the seqno whose signature this neighbour was last sent. */
    final Map<PeerKey, Integer> signatureSent = new java.util.HashMap<>();
    /** While a dump from this neighbour is arriving: the sources it advertised before and has not repeated yet. */
    java.util.Set<PeerKey> dumpStale;
    /** The neighbour sent an entry whose signature we lack: ask for a dump. */
    boolean needDump;

    long nextSummaryAt;
    long lastDumpRequestAt = Long.MIN_VALUE / 2;
    long lastDumpSentAt = Long.MIN_VALUE / 2;

    private long nextHopSeq;
    final LinkedHashMap<Long, InFlight> inFlight = new LinkedHashMap<>();
    private final HashSet<Long> recent = new HashSet<>();
    private final ArrayDeque<Long> recentOrder = new ArrayDeque<>();

    Adjacency(Neighbour link) {
        this.link = link;
        this.key = link.key();
    }

    /** The entry as this neighbour should get it: with the signature only the first time for its seqno. */
    Packet.RouteEntry forLink(Packet.RouteEntry e) {
        if (e.retraction()) {
            return e;
        }
        Integer sent = signatureSent.put(e.source(), e.seqno());
        return sent != null && sent == e.seqno() ? e.withoutSignature() : e;
    }

    /** The summary this neighbour gets: the count and digest of what it was told. */
    Packet.Summary summary() {
        Digest d = new Digest();
        new TreeMap<>(told).forEach((source, v) -> d.add(source, v >>> 16, v & 0xFFFF));
        return new Packet.Summary(told.size(), d.value());
    }

    long takeHopSeq() {
        long s = nextHopSeq;
        nextHopSeq = (nextHopSeq + 1) & 0xFFFF_FFFFL;
        return s;
    }

    /** Records a received hop sequence number; false when it was seen recently (a retransmitted duplicate). */
    boolean firstSight(long hopSeq) {
        if (!recent.add(hopSeq)) {
            return false;
        }
        recentOrder.addLast(hopSeq);
        if (recentOrder.size() > RECENT_HOP_SEQS) {
            recent.remove(recentOrder.removeFirst());
        }
        return true;
    }

    void mirrorChanged() {
        mirrorDirty = true;
    }

    long mirrorDigest() {
        if (mirrorDirty) {
            Digest d = new Digest();
            new TreeMap<>(mirror).forEach((source, a) -> d.add(source, a.seqno(), a.metric()));
            mirrorDigest = d.value();
            mirrorDirty = false;
        }
        return mirrorDigest;
    }

    /** The 64-bit digest a summary carries: SHA-256 over the sorted (source, seqno, metric) triples, truncated. */
    static final class Digest {
        private final MessageDigest sha;
        private final ByteBuffer buf = ByteBuffer.allocate(PeerKey.LENGTH + 4);

        Digest() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Entries must be added in {@link PeerKey} order. */
        void add(PeerKey source, int seqno, int metric) {
            buf.clear();
            byte[] k = new byte[PeerKey.LENGTH];
            source.copyTo(k, 0);
            buf.put(k).putShort((short) seqno).putShort((short) metric);
            sha.update(buf.array());
        }

        long value() {
            return ByteBuffer.wrap(sha.digest()).getLong();
        }
    }
}
