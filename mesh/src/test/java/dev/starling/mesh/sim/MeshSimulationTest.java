package dev.starling.mesh.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, acceptance 1 in CI: 50 nodes in a random geometric graph with random-waypoint movement, churn,
 * 1 % frame loss and 5 rooms of 8 members, fixed seed. Asserts what was measured against the targets.
 */
class MeshSimulationTest {
    static final long SEED = 1;

    @Test
    void fiftyMovingChurningNodesDeliverRoomMessagesToEveryReachableMemberWithLittleIdleTraffic() {
        ScenarioConfig standard = ScenarioConfig.standard(SEED, 50, ScenarioConfig.Fanout.UNICAST);
        ScenarioConfig cfg = new ScenarioConfig(standard.seed(), standard.nodes(), standard.meanDegree(),
                standard.speedMin(), standard.speedMax(), standard.pauseMaxMillis(), standard.churnFraction(),
                standard.meanOnMillis(), standard.meanOffMillis(), standard.link(), standard.rooms(),
                standard.membersPerRoom(), standard.meanMessageIntervalMillis(), standard.warmupMillis(),
                180_000, standard.drainMillis(), 120_000, standard.fanout());
        ScenarioResult r = Scenario.run(cfg);
        System.out.println(MeshSimulation.header());
        System.out.println(MeshSimulation.row(r));

        assertThat(r.expected()).as("enough (message, member) pairs to measure 99.9 %").isGreaterThanOrEqualTo(400);
        assertThat(r.deliveryRatio()).as("delivery ratio").isGreaterThanOrEqualTo(0.999);
        assertThat(r.idleControlBytesPerLinkMinute()).as("idle control bytes per link per minute").isLessThanOrEqualTo(1024.0);
        assertThat(r.hopLimitDrops()).as("packets dropped at the hop limit (a routing loop)").isZero();
        // A new seqno no longer floods the mesh (BENCHMARKS.md "Mesh simulation"): 117,614 bytes per node per
        // minute while moving with this seed; with every seqno increase flooded (before) it was 514,552.
        assertThat(r.controlBytesPerNodeMinuteMoving()).as("control bytes per node per minute while moving")
                .isLessThanOrEqualTo(250_000.0);
        long[] oneHop = r.latencyByHops().get(1);
        assertThat(oneHop).isNotNull();
        assertThat(oneHop[1]).as("median one-hop latency, ms").isLessThan(1_000);
        int multiHop = 0;
        for (Map.Entry<Integer, long[]> e : r.latencyByHops().entrySet()) {
            if (e.getKey() >= 3) {
                multiHop += (int) e.getValue()[0];
            }
        }
        assertThat(multiHop).as("deliveries over three hops or more").isPositive();
    }
}
