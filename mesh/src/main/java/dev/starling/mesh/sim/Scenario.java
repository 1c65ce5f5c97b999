package dev.starling.mesh.sim;

import dev.starling.mesh.routing.MessageId;
import dev.starling.mesh.routing.PeerKey;
import dev.starling.mesh.routing.Route;
import dev.starling.mesh.routing.RoutingConfig;
import dev.starling.mesh.store.StoreConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Runs one {@link ScenarioConfig}: warm-up, traffic with movement and churn, drain, idle; then measures.
 * Room messages are modelled as federation would send them: an envelope (room event number, the origin,
 * the hops so far, the members this copy must still reach, a body of 300 to 1,000 bytes) sent with the
 * courier, so with store-and-forward when a member is unreachable.
 */
public final class Scenario {
    private static final long STEP_MILLIS = 1000;

    private final ScenarioConfig cfg;
    private final Simulator sim = new Simulator();
    private final SimNetwork net;
    private final SplittableRandom random;
    private final double range;
    private final double[] wx;
    private final double[] wy;
    private final double[] speed;
    private final long[] pausedUntil;
    private final List<int[]> rooms = new ArrayList<>();
    /** event number -> [origin, room, sent at]. */
    private final List<long[]> events = new ArrayList<>();
    /** event number -> member index -> [arrival time, hops]. */
    private final Map<Integer, Map<Integer, long[]>> arrivals = new HashMap<>();
    private boolean moving;

    public Scenario(ScenarioConfig cfg, Path directory) {
        this.cfg = cfg;
        this.random = new SplittableRandom(cfg.seed());
        this.net = new SimNetwork(sim, cfg.link(), RoutingConfig.defaults(), StoreConfig.defaults().withSync(false),
                directory, random.nextLong());
        this.range = Math.sqrt(cfg.meanDegree() / (Math.PI * cfg.nodes()));
        int n = cfg.nodes();
        wx = new double[n];
        wy = new double[n];
        speed = new double[n];
        pausedUntil = new long[n];
    }

    /** Runs the scenario in a temporary directory and deletes it. */
    public static ScenarioResult run(ScenarioConfig cfg) {
        try {
            Path dir = Files.createTempDirectory("starling-mesh-sim");
            try {
                return new Scenario(cfg, dir).run();
            } finally {
                try (var walk = Files.walk(dir)) {
                    walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public ScenarioResult run() {
        long wallStart = System.currentTimeMillis();
        net.inbox(this::onDeliver);
        for (int i = 0; i < cfg.nodes(); i++) {
            SimNode node = net.addNode();
            node.x = random.nextDouble();
            node.y = random.nextDouble();
            newWaypoint(i);
        }
        for (int r = 0; r < cfg.rooms(); r++) {
            rooms.add(pickMembers());
        }
        updateLinks();
        sim.runUntil(cfg.warmupMillis());
        long[] warm = controlTotals();
        if (Boolean.getBoolean("mesh.sim.debug")) {
            int bumps = 0;
            for (SimNode n : net.nodes()) {
                bumps += n.router().ownSeqno();
            }
            System.err.println("after warm-up: seqno bumps " + bumps + " converged=" + RouteCheck.converged(net, false)
                    + " updates " + java.util.Arrays.toString(net.debug));
        }

        long trafficEnd = cfg.warmupMillis() + cfg.trafficMillis();
        moving = true;
        for (long t = cfg.warmupMillis(); t < trafficEnd; t += STEP_MILLIS) {
            sim.at(t, this::step);
        }
        for (int i = 0; i < cfg.nodes() * cfg.churnFraction(); i++) {
            int node = i;
            sim.at(cfg.warmupMillis() + exp(cfg.meanOnMillis()), () -> churn(node, trafficEnd));
        }
        for (int r = 0; r < rooms.size(); r++) {
            int room = r;
            scheduleMessage(room, cfg.warmupMillis() + exp(cfg.meanMessageIntervalMillis()), trafficEnd);
        }
        sim.runUntil(trafficEnd);
        long[] movingCtl = controlTotals();
        if (Boolean.getBoolean("mesh.sim.debug")) {
            System.err.println("bytes by type after traffic: " + java.util.Arrays.toString(net.bytesByType())
                    + " updates " + java.util.Arrays.toString(net.debug));
        }

        moving = false;
        for (SimNode node : net.nodes()) {
            net.setOn(node.index, true);
        }
        updateLinks();
        long drainEnd = trafficEnd + cfg.drainMillis();
        net.debugFrom = Long.getLong("mesh.sim.debugFromSeconds", drainEnd / 1000) * 1000;
        sim.runUntil(drainEnd);

        long[] before = controlTotals();
        sim.runUntil(drainEnd + cfg.idleMillis());
        long[] after = controlTotals();
        if (Boolean.getBoolean("mesh.sim.debug")) {
            System.err.println("bytes by type after idle: " + java.util.Arrays.toString(net.bytesByType()));
            StringBuilder sb = new StringBuilder("own seqnos:");
            for (SimNode n : net.nodes()) {
                sb.append(' ').append(n.router().ownSeqno()).append('/').append(n.router().stats().seqnoRequestsSent());
            }
            for (String prefix : new String[] {"kind", "bucket10s", "pair", "src"}) {
                net.debugCounts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                        .sorted((x, y) -> prefix.equals("bucket10s") ? x.getKey().compareTo(y.getKey()) : Long.compare(y.getValue(), x.getValue()))
                        .limit(prefix.equals("bucket10s") ? 200 : 25)
                        .forEach(e -> System.err.println("  " + e.getKey() + " = " + e.getValue()));
            }
            System.err.println(sb + " converged=" + RouteCheck.converged(net, false) + " shortest=" + RouteCheck.converged(net, true));
        }
        return measure(before, after, warm, movingCtl, System.currentTimeMillis() - wallStart);
    }

    // ---- movement and churn

    private void step() {
        long now = sim.now();
        for (SimNode n : net.nodes()) {
            int i = n.index;
            if (now < pausedUntil[i]) {
                continue;
            }
            double dx = wx[i] - n.x;
            double dy = wy[i] - n.y;
            double dist = Math.hypot(dx, dy);
            double move = speed[i] * STEP_MILLIS / 1000.0;
            if (dist <= move) {
                n.x = wx[i];
                n.y = wy[i];
                pausedUntil[i] = now + (long) (random.nextDouble() * cfg.pauseMaxMillis());
                newWaypoint(i);
            } else {
                n.x += dx / dist * move;
                n.y += dy / dist * move;
            }
        }
        updateLinks();
    }

    private void newWaypoint(int i) {
        wx[i] = random.nextDouble();
        wy[i] = random.nextDouble();
        speed[i] = cfg.speedMin() + random.nextDouble() * (cfg.speedMax() - cfg.speedMin());
    }

    private void updateLinks() {
        List<SimNode> nodes = net.nodes();
        for (int a = 0; a < nodes.size(); a++) {
            for (int b = a + 1; b < nodes.size(); b++) {
                SimNode na = nodes.get(a);
                SimNode nb = nodes.get(b);
                boolean inRange = na.on && nb.on && Math.hypot(na.x - nb.x, na.y - nb.y) <= range;
                net.setPhysical(a, b, inRange);
            }
        }
    }

    private void churn(int node, long trafficEnd) {
        if (!moving || sim.now() >= trafficEnd) {
            return;
        }
        boolean on = !net.nodes().get(node).on;
        net.setOn(node, on);
        if (on) {
            updateLinks();
        }
        sim.after(exp(on ? cfg.meanOnMillis() : cfg.meanOffMillis()), () -> churn(node, trafficEnd));
    }

    // ---- rooms

    private int[] pickMembers() {
        int m = Math.min(cfg.membersPerRoom(), cfg.nodes());
        Set<Integer> chosen = new LinkedHashSet<>(); // insertion order: the run stays deterministic
        while (chosen.size() < m) {
            chosen.add(random.nextInt(cfg.nodes()));
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    private void scheduleMessage(int room, long at, long trafficEnd) {
        if (at >= trafficEnd) {
            return;
        }
        sim.at(at, () -> {
            int[] members = rooms.get(room);
            List<Integer> on = new ArrayList<>();
            for (int m : members) {
                if (net.nodes().get(m).on) {
                    on.add(m);
                }
            }
            if (!on.isEmpty()) {
                int origin = on.get(random.nextInt(on.size()));
                int event = events.size();
                events.add(new long[] {origin, room, sim.now()});
                arrivals.put(event, new HashMap<>());
                byte[] body = new byte[300 + random.nextInt(700)];
                random.nextBytes(body);
                List<Integer> rest = new ArrayList<>();
                for (int m : members) {
                    if (m != origin) {
                        rest.add(m);
                    }
                }
                relay(net.nodes().get(origin), event, origin, 0, rest, body);
            }
            scheduleMessage(room, sim.now() + exp(cfg.meanMessageIntervalMillis()), trafficEnd);
        });
    }

    /** Node {@code at} holds the event and must get it to {@code targets}. */
    private void relay(SimNode at, int event, int origin, int hopsSoFar, List<Integer> targets, byte[] body) {
        if (targets.isEmpty()) {
            return;
        }
        if (cfg.fanout() == ScenarioConfig.Fanout.UNICAST) {
            for (int t : targets) {
                send(at, t, event, origin, hopsSoFar, List.of(), body);
            }
            return;
        }
        Map<PeerKey, List<Integer>> byNextHop = new TreeMap<>();
        for (int t : targets) {
            Optional<Route> r = at.router().route(net.nodes().get(t).key());
            if (r.isEmpty()) {
                send(at, t, event, origin, hopsSoFar, List.of(), body);
            } else {
                byNextHop.computeIfAbsent(r.get().nextHop(), k -> new ArrayList<>()).add(t);
            }
        }
        for (List<Integer> group : byNextHop.values()) {
            int delegate = group.get(0);
            int best = Integer.MAX_VALUE;
            for (int t : group) {
                int metric = at.router().route(net.nodes().get(t).key()).get().metric();
                if (metric < best) {
                    best = metric;
                    delegate = t;
                }
            }
            List<Integer> rest = new ArrayList<>(group);
            rest.remove(Integer.valueOf(delegate));
            send(at, delegate, event, origin, hopsSoFar, rest, body);
        }
    }

    private void send(SimNode from, int to, int event, int origin, int hopsSoFar, List<Integer> rest, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(4 + 2 + 1 + 1 + rest.size() * PeerKey.LENGTH + body.length);
        b.putInt(event).putShort((short) origin).put((byte) hopsSoFar).put((byte) rest.size());
        for (int r : rest) {
            b.put(net.nodes().get(r).key().bytes());
        }
        b.put(body);
        net.send(from, net.nodes().get(to).key(), b.array());
    }

    private void onDeliver(SimNode at, PeerKey origin, MessageId id, byte[] payload, int hops, long now) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        int event = b.getInt();
        int eventOrigin = b.getShort();
        int hopsSoFar = (b.get() & 0xFF) + hops;
        int count = b.get() & 0xFF;
        List<Integer> rest = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] k = new byte[PeerKey.LENGTH];
            b.get(k);
            rest.add(net.node(new PeerKey(k)).index);
        }
        byte[] body = new byte[b.remaining()];
        b.get(body);
        arrivals.get(event).putIfAbsent(at.index, new long[] {now, hopsSoFar});
        relay(at, event, eventOrigin, Math.min(255, hopsSoFar), rest, body);
    }

    // ---- measurement

    /** [control bytes including link framing, control frames, data frames] summed over every node. */
    private long[] controlTotals() {
        long bytes = 0;
        long frames = 0;
        long data = 0;
        for (SimNode n : net.nodes()) {
            bytes += n.router().stats().controlBytesSent() + n.router().stats().controlFramesSent() * cfg.link().frameOverhead();
            frames += n.router().stats().controlFramesSent();
            data += n.router().stats().dataFramesSent();
        }
        return new long[] {bytes, frames, data};
    }

    private ScenarioResult measure(long[] before, long[] after, long[] warmCtl, long[] movingCtl, long wall) {
        int[][] d = RouteCheck.distances(net);
        long expected = 0;
        long delivered = 0;
        Map<Integer, List<Long>> lat = new TreeMap<>();
        for (int e = 0; e < events.size(); e++) {
            long[] ev = events.get(e);
            int origin = (int) ev[0];
            for (int m : rooms.get((int) ev[1])) {
                if (m == origin || d[origin][m] < 0) {
                    continue;
                }
                expected++;
                long[] arr = arrivals.get(e).get(m);
                if (arr != null) {
                    delivered++;
                    lat.computeIfAbsent((int) arr[1], k -> new ArrayList<>()).add(arr[0] - ev[2]);
                }
            }
        }
        Map<Integer, long[]> latency = new LinkedHashMap<>();
        lat.forEach((hops, l) -> {
            long[] s = l.stream().mapToLong(Long::longValue).sorted().toArray();
            latency.put(hops, new long[] {s.length, s[s.length / 2], s[Math.min(s.length - 1, (int) Math.ceil(s.length * 0.95) - 1)]});
        });
        long links = 0;
        long metricSum = 0;
        long routes = 0;
        long rejected = 0;
        long hopDrops = 0;
        long stored = 0;
        for (SimNode n : net.nodes()) {
            for (SimNode m : net.nodes()) {
                if (n.index < m.index && net.logical(n.index, m.index)) {
                    links++;
                }
            }
            for (Route r : n.router().routes()) {
                metricSum += r.metric();
                routes++;
            }
            rejected += n.router().stats().rejectedRoutes();
            hopDrops += n.router().stats().hopLimitDrops();
            stored += n.courier().store().stats().stored();
        }
        double idleMinutes = cfg.idleMillis() / 60_000.0;
        double idleBytes = after[0] - before[0];
        double movingMinutes = cfg.trafficMillis() / 60_000.0;
        return new ScenarioResult(cfg, events.size(), expected, delivered, latency,
                idleBytes / cfg.nodes() / idleMinutes, links == 0 ? 0 : idleBytes / links / idleMinutes,
                events.isEmpty() ? 0 : (double) (movingCtl[2] - warmCtl[2]) / events.size(),
                (movingCtl[0] - warmCtl[0]) / (double) cfg.nodes() / movingMinutes, rejected, hopDrops, stored,
                2.0 * links / cfg.nodes(), sim.executed(), wall);
    }

    private long exp(long mean) {
        return (long) (-Math.log(1 - random.nextDouble()) * mean);
    }

}
