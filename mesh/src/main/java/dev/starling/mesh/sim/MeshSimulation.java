package dev.starling.mesh.sim;

import java.util.Locale;
import java.util.Map;

/**
 * Prints the simulation table for BENCHMARKS.md:
 * {@code ./starling mvn -q -B -pl mesh -am test-compile exec...} or, simpler, see the README: run
 * {@code MeshSimulationTableTest} with {@code -Dmesh.sim.table=true}. Arguments: seed, then node counts
 * (default 1, 50 100 200).
 */
public final class MeshSimulation {
    private MeshSimulation() {}

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 1;
        int[] sizes = args.length > 1 ? new int[args.length - 1] : new int[] {50, 100, 200};
        for (int i = 1; i < args.length; i++) {
            sizes[i - 1] = Integer.parseInt(args[i]);
        }
        System.out.println(header());
        for (int n : sizes) {
            for (ScenarioConfig.Fanout f : ScenarioConfig.Fanout.values()) {
                System.out.println(row(Scenario.run(ScenarioConfig.standard(seed, n, f))));
            }
        }
    }

    public static String header() {
        return "| nodes | fanout | rooms | messages | delivered / expected | ratio | data frames / msg | idle ctl B/node/min | idle ctl B/link/min | moving ctl B/node/min | stored | mean degree | latency by hops: n median p95 (ms) | wall s |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    public static String row(ScenarioResult r) {
        StringBuilder lat = new StringBuilder();
        for (Map.Entry<Integer, long[]> e : r.latencyByHops().entrySet()) {
            long[] v = e.getValue();
            if (lat.length() > 0) {
                lat.append("; ");
            }
            lat.append(e.getKey()).append("h: ").append(v[0]).append(' ').append(v[1]).append(' ').append(v[2]);
        }
        return String.format(Locale.ROOT, "| %d | %s | %d | %d | %d / %d | %.4f%% | %.1f | %.0f | %.0f | %.0f | %d | %.1f | %s | %.1f |",
                r.config().nodes(), r.config().fanout(), r.config().rooms(), r.messages(), r.delivered(), r.expected(),
                100 * r.deliveryRatio(), r.dataFramesPerMessage(), r.idleControlBytesPerNodeMinute(),
                r.idleControlBytesPerLinkMinute(), r.controlBytesPerNodeMinuteMoving(), r.storedAtSomeNode(),
                r.meanDegreeSeen(), lat, r.wallMillis() / 1000.0);
    }
}
