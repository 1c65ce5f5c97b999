package dev.starling.mesh.routing;

/**
 * Timers and limits of the routing protocol, in milliseconds where a time.
 *
 * @param summaryIntervalMillis how often each link gets a summary when idle (default 30 s: with a 12-byte
 *     summary that is ~24 bytes a minute per direction before link framing, far under the 1 KB target)
 * @param dumpRequestMinIntervalMillis the least time between two dump requests or dumps on one link
 * @param seqnoRequestDelayMillis how long a node that lost its last feasible route to a source waits before
 *     asking the source for a new seqno (lets retractions from neighbours that routed through it arrive
 *     first, which avoids most network-wide seqno floods)
 * @param seqnoRequestIntervalMillis the least time between two seqno requests for one source
 * @param hopLimit the hop limit data packets start with
 * @param ackTimeoutMillis first retransmission timeout of a data packet on one hop (doubled each retry)
 * @param maxRetransmissions retransmissions on one hop before the packet is handed back (to be stored)
 * @param maxSources the most sources a router keeps state for (bounds memory against invented keys)
 */
public record RoutingConfig(
        long summaryIntervalMillis,
        long dumpRequestMinIntervalMillis,
        long seqnoRequestDelayMillis,
        long seqnoRequestIntervalMillis,
        int hopLimit,
        long ackTimeoutMillis,
        int maxRetransmissions,
        int maxSources) {

    public RoutingConfig {
        if (summaryIntervalMillis < 1000 || dumpRequestMinIntervalMillis < 0 || seqnoRequestDelayMillis < 0
                || seqnoRequestIntervalMillis < seqnoRequestDelayMillis
                || hopLimit < 1 || hopLimit > Packet.MAX_HOPS || ackTimeoutMillis < 1 || maxRetransmissions < 0
                || maxSources < 1) {
            throw new IllegalArgumentException("routing config out of range");
        }
    }

    public static RoutingConfig defaults() {
        return new RoutingConfig(30_000, 5_000, 100, 500, 32, 250, 4, 4096);
    }
}
