package dev.starling.mesh.sim;

/**
 * One mobility scenario: a random geometric graph in the unit square with random-waypoint movement, churn
 * and rooms. Times in virtual milliseconds.
 *
 * @param seed every random choice derives from it
 * @param nodes number of nodes
 * @param meanDegree the radio range is chosen so that a node has this many neighbours on average
 *     ({@code r = sqrt(meanDegree / (pi * nodes))})
 * @param speedMin slowest movement, unit squares per second (with a 500 m square, 0.001 = 0.5 m/s)
 * @param speedMax fastest movement
 * @param pauseMaxMillis longest pause at a waypoint
 * @param churnFraction share of nodes that go off and on
 * @param meanOnMillis mean time a churning node stays on (exponential)
 * @param meanOffMillis mean time a churning node stays off (exponential)
 * @param link the link model
 * @param rooms number of rooms
 * @param membersPerRoom members of each room (distinct random nodes)
 * @param meanMessageIntervalMillis mean time between two messages in one room (exponential)
 * @param warmupMillis time to converge before traffic starts (no movement, no churn)
 * @param trafficMillis time with movement, churn and messages
 * @param drainMillis afterwards: every node on, no movement, until held messages are delivered
 * @param idleMillis then: no traffic, control bytes measured
 * @param fanout how a room message reaches the other members
 */
public record ScenarioConfig(long seed, int nodes, double meanDegree, double speedMin, double speedMax,
        long pauseMaxMillis, double churnFraction, long meanOnMillis, long meanOffMillis, LinkModel link,
        int rooms, int membersPerRoom, long meanMessageIntervalMillis, long warmupMillis, long trafficMillis,
        long drainMillis, long idleMillis, Fanout fanout) {

    /** How a member's room message reaches the other members. */
    public enum Fanout {
        /** One copy from the origin to every other member, each routed over the mesh. */
        UNICAST,
        /**
         * Members relay for each other: a holder splits the members still to reach by the next hop of its
         * route to them, sends one copy per direction to the nearest member there, which takes over the rest
         * of that direction. Members with no route get their own copy (store-and-forward).
         */
        RELAY_TREE
    }

    /** The scenario used for the numbers in BENCHMARKS.md, for {@code nodes} nodes. */
    public static ScenarioConfig standard(long seed, int nodes, Fanout fanout) {
        return new ScenarioConfig(seed, nodes, 10.0, 0.001, 0.003, 30_000, 0.2, 300_000, 60_000,
                LinkModel.defaults(), Math.max(3, nodes / 10), 8, 10_000, 60_000, 300_000, 180_000, 300_000, fanout);
    }
}
