package dev.starling.mesh.sim;

import java.util.Map;

/**
 * What one scenario measured.
 *
 * @param messages room messages sent
 * @param expected (message, member) pairs that should arrive: members other than the origin that can reach
 *     the origin at the end of the run
 * @param delivered of those, how many arrived
 * @param latencyByHops for each hop count (links crossed, summed over relays in RELAY_TREE): delivery
 *     count, median and 95th percentile latency in milliseconds
 * @param idleControlBytesPerNodeMinute routing control bytes (with link framing) a node sends per minute when idle
 * @param idleControlBytesPerLinkMinute the same per link, both directions together
 * @param dataFramesPerMessage data frames sent (all hops, retransmissions included) per room message
 * @param controlBytesPerNodeMinuteMoving routing control bytes (with link framing) per node per minute
 *     during the traffic phase (movement, churn, data acknowledgements)
 * @param rejectedRoutes route entries refused as impossible, over all nodes
 * @param hopLimitDrops data packets dropped at the hop limit, over all nodes
 * @param storedAtSomeNode messages taken into a store (at origins and relays), over all nodes
 * @param meanDegreeSeen mean number of neighbours at the end
 * @param simEvents events the simulator ran
 * @param wallMillis real time the run took
 */
public record ScenarioResult(ScenarioConfig config, int messages, long expected, long delivered,
        Map<Integer, long[]> latencyByHops, double idleControlBytesPerNodeMinute, double idleControlBytesPerLinkMinute,
        double dataFramesPerMessage, double controlBytesPerNodeMinuteMoving, long rejectedRoutes, long hopLimitDrops,
        long storedAtSomeNode, double meanDegreeSeen, long simEvents, long wallMillis) {

    public double deliveryRatio() {
        return expected == 0 ? 1.0 : (double) delivered / expected;
    }
}
