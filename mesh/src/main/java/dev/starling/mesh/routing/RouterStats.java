package dev.starling.mesh.routing;

/** Counters of one router, for metrics and the simulator. Not thread-safe: read on the router's thread. */
public final class RouterStats {
    long controlFramesSent;
    long controlBytesSent;
    long dataFramesSent;
    long dataBytesSent;
    long malformedDropped;
    long rejectedRoutes;
    long hopLimitDrops;
    long retransmissions;
    long duplicateData;
    long handedBack;
    long seqnoRequestsSent;
    long seqnoBumpsRefused;

    /** Frames of routing control (updates, summaries, requests, acks) sent. */
    public long controlFramesSent() { return controlFramesSent; }
    /** Bytes of routing control sent (the frames as encoded, without link-layer framing). */
    public long controlBytesSent() { return controlBytesSent; }
    public long dataFramesSent() { return dataFramesSent; }
    public long dataBytesSent() { return dataBytesSent; }
    /** Frames dropped because they did not parse. */
    public long malformedDropped() { return malformedDropped; }
    /** Route entries refused as impossible (metric, seqno signature, claimed source). */
    public long rejectedRoutes() { return rejectedRoutes; }
    /** Data packets dropped because their hop limit ran out. */
    public long hopLimitDrops() { return hopLimitDrops; }
    public long retransmissions() { return retransmissions; }
    /** Data frames received twice on one hop (a retransmission whose ack was lost). */
    public long duplicateData() { return duplicateData; }
    /** Packets handed back to the caller (no route, or the next hop never acknowledged). */
    public long handedBack() { return handedBack; }
    public long seqnoRequestsSent() { return seqnoRequestsSent; }
    /** Requests for a new seqno of our own refused by the rate limit. */
    public long seqnoBumpsRefused() { return seqnoBumpsRefused; }
}
