package dev.starling.mesh.sim;

import java.util.Locale;
import java.util.Map;

/**
 * Prints the simulation table for BENCHMARKS.md. Arguments: seed, then node counts (default: 1, then 50 100
 * 200). System properties: {@code mesh.sim.fanout} (UNICAST or RELAY_TREE; default both) and
 * {@code mesh.sim.trafficSeconds} (default: {@link ScenarioConfig#standard}'s 300 s; the drain and idle
 * phases are shortened to the same length when it is lower than theirs, unless {@code mesh.sim.drainSeconds} /
 * {@code mesh.sim.idleSeconds} set them). {@code mesh.sim.debug=true} prints diagnostics to stderr, among them
 * every control packet sent from the end of the drain (or {@code mesh.sim.debugFromSeconds} of virtual time) on,
 * counted by kind, by 10 s bucket (bytes), by sender→receiver pair and by source. See the mesh README for the command.
 */
public final class MeshSimulation {
    private MeshSimulation() {}

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 1;
        int[] sizes = args.length > 1 ? new int[args.length - 1] : new int[] {50, 100, 200};
        for (int i = 1; i < args.length; i++) {
            sizes[i - 1] = Integer.parseInt(args[i]);
        }
        String only = System.getProperty("mesh.sim.fanout");
        Long trafficSeconds = Long.getLong("mesh.sim.trafficSeconds");
        System.out.println(header());
        for (int n : sizes) {
            for (ScenarioConfig.Fanout f : ScenarioConfig.Fanout.values()) {
                if (only != null && !only.equals(f.name())) {
                    continue;
                }
                ScenarioConfig c = ScenarioConfig.standard(seed, n, f);
                if (trafficSeconds != null) {
                    long t = trafficSeconds * 1000;
                    c = new ScenarioConfig(c.seed(), c.nodes(), c.meanDegree(), c.speedMin(), c.speedMax(),
                            c.pauseMaxMillis(), c.churnFraction(), c.meanOnMillis(), c.meanOffMillis(), c.link(),
                            c.rooms(), c.membersPerRoom(), c.meanMessageIntervalMillis(), c.warmupMillis(), t,
                            Long.getLong("mesh.sim.drainSeconds", Math.min(c.drainMillis(), t) / 1000) * 1000,
                            Long.getLong("mesh.sim.idleSeconds", Math.min(c.idleMillis(), t) / 1000) * 1000, c.fanout());
                }
                System.out.println(row(Scenario.run(c)));
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
