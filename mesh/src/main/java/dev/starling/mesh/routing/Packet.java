package dev.starling.mesh.routing;

import java.util.List;

/**
 * The routing protocol's packets (wire format in README.md and {@link PacketCodec}). Each record checks
 * its own field ranges, so a packet that exists is one the codec can encode.
 */
public sealed interface Packet {
    /** Seqno and metric value meaning "no route" (a retraction), as in RFC 8966. */
    int INFINITY = 0xFFFF;
    /** Largest hop limit (and so largest finite metric) a packet may carry. */
    int MAX_HOPS = 64;
    /** Largest data payload; bigger federation requests are split by the caller. */
    int MAX_PAYLOAD = 128 * 1024;
    /** Most route entries in one update frame (a full dump is several frames). */
    int MAX_UPDATE_ENTRIES = 64;
    /** Length of the source's Ed25519 signature over (source, seqno). */
    int SIGNATURE_LENGTH = 64;

    /**
     * One route: "I can reach {@code source}, whose sequence number is {@code seqno}, at {@code metric}".
     * A finite metric comes with the source's signature over its seqno ({@link SeqnoAuth}), so no node can
     * advertise a seqno the source never issued. The signature is sent on a link once per (source, seqno)
     * and omitted ({@code null}) after that: the receiver already verified it. A retraction
     * ({@code metric == INFINITY}) carries none.
     */
    record RouteEntry(PeerKey source, int seqno, int metric, byte[] signature) {
        public RouteEntry {
            check(source != null, "source");
            check(seqno >= 0 && seqno <= 0xFFFF, "seqno out of range");
            check(metric >= 0 && metric <= INFINITY, "metric out of range");
            if (metric == INFINITY) {
                check(signature == null, "a retraction carries no signature");
            } else {
                check(signature == null || signature.length == SIGNATURE_LENGTH, "signature length");
            }
        }

        public boolean retraction() {
            return metric == INFINITY;
        }

        RouteEntry withoutSignature() {
            return signature == null ? this : new RouteEntry(source, seqno, metric, null);
        }
    }

    /**
     * Route announcements and retractions: triggered on change, and a full dump on request. {@code reset}
     * marks the first frame of a full dump: the receiver forgets everything the sender advertised before,
     * so a lost retraction cannot leave a stale route behind.
     */
    record Update(boolean reset, List<RouteEntry> entries) implements Packet {
        public Update(List<RouteEntry> entries) {
            this(false, entries);
        }

        public Update {
            entries = List.copyOf(entries);
            check(!entries.isEmpty() && entries.size() <= MAX_UPDATE_ENTRIES, "1 to 64 entries");
        }
    }

    /**
     * The periodic idle message: how many routes the sender advertises and a 64-bit digest of them. A
     * receiver whose copy differs asks for a dump; this replaces Babel's periodic full updates.
     */
    record Summary(int count, long digest) implements Packet {
        public Summary {
            check(count >= 0 && count <= 0xFFFF, "count out of range");
        }
    }

    /** "Send me all your routes" (after a summary mismatch). */
    record DumpRequest() implements Packet {}

    /**
     * "I need a route to {@code source} with a seqno at least {@code seqno}" (RFC 8966 3.8.1.2), forwarded
     * toward the source at most {@code hopCount} more times.
     */
    record SeqnoRequest(PeerKey source, int seqno, int hopCount) implements Packet {
        public SeqnoRequest {
            check(source != null, "source");
            check(seqno >= 0 && seqno <= 0xFFFF, "seqno out of range");
            check(hopCount >= 1 && hopCount <= MAX_HOPS, "hop count out of range");
        }
    }

    /**
     * An application message on one hop. {@code hopSeq} numbers it on this link for the acknowledgement;
     * {@code hopLimit} is decremented at every relay and the packet dropped when it would reach 0.
     */
    record Data(long hopSeq, int hopLimit, MessageId id, PeerKey origin, PeerKey destination, byte[] payload)
            implements Packet {
        public Data {
            check(hopSeq >= 0 && hopSeq <= 0xFFFF_FFFFL, "hop seq out of range");
            check(hopLimit >= 1 && hopLimit <= MAX_HOPS, "hop limit out of range");
            check(id != null && origin != null && destination != null, "ids");
            check(payload != null && payload.length <= MAX_PAYLOAD, "payload too large");
        }

        Data withHop(long seq, int limit) {
            return new Data(seq, limit, id, origin, destination, payload);
        }
    }

    /** Per-hop acknowledgement of the data packet with {@code hopSeq}. */
    record Ack(long hopSeq) implements Packet {
        public Ack {
            check(hopSeq >= 0 && hopSeq <= 0xFFFF_FFFFL, "hop seq out of range");
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }
}
