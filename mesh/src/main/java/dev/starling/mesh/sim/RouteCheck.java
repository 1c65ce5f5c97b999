package dev.starling.mesh.sim;

import dev.starling.mesh.routing.Route;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Checks the routers' tables against the current topology (the routers' own view of their links). */
public final class RouteCheck {
    private RouteCheck() {}

    /** Hop distances over links that both ends' routers have up; -1 where unreachable. */
    static int[][] distances(SimNetwork net) {
        List<SimNode> nodes = net.nodes();
        int n = nodes.size();
        int[][] d = new int[n][];
        for (int s = 0; s < n; s++) {
            d[s] = new int[n];
            Arrays.fill(d[s], -1);
            d[s][s] = 0;
            ArrayDeque<Integer> q = new ArrayDeque<>(List.of(s));
            while (!q.isEmpty()) {
                int u = q.poll();
                for (int v = 0; v < n; v++) {
                    if (d[s][v] < 0 && net.logical(u, v) && net.logical(v, u)) {
                        d[s][v] = d[s][u] + 1;
                        q.add(v);
                    }
                }
            }
        }
        return d;
    }

    /**
     * Whether every node has a working route to every node it can reach (following next hops arrives,
     * with no loop) and no route to any node it cannot reach; with {@code shortest}, also whether every
     * route's metric is the hop distance.
     */
    public static boolean converged(SimNetwork net, boolean shortest) {
        int[][] d = distances(net);
        List<SimNode> nodes = net.nodes();
        for (SimNode a : nodes) {
            for (SimNode b : nodes) {
                if (a == b) {
                    continue;
                }
                Optional<Route> r = a.router().route(b.key());
                if (d[a.index][b.index] < 0) {
                    if (r.isPresent()) {
                        return false;
                    }
                    continue;
                }
                if (r.isEmpty() || (shortest && r.get().metric() != d[a.index][b.index])) {
                    return false;
                }
                SimNode cur = a;
                int steps = 0;
                while (cur != b) {
                    Optional<Route> hop = cur.router().route(b.key());
                    if (hop.isEmpty() || ++steps > nodes.size()) {
                        return false;
                    }
                    SimNode next = net.node(hop.get().nextHop());
                    if (!net.logical(cur.index, next.index)) {
                        return false;
                    }
                    cur = next;
                }
            }
        }
        return true;
    }
}
