package dev.starling.mesh.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.mesh.routing.RoutingConfig;
import dev.starling.mesh.store.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mesh of more than 64 nodes (so full dumps span several frames) on lossy links settles: after the start-up
 * dumps, the routing falls silent but for summaries. Before the fix (README "Known limits", "200 nodes, idle")
 * every multi-frame dump withdrew the routes of its later frames for a moment, the triggered updates that
 * followed lost a frame now and then (1 % loss), the next summaries mismatched and asked for more dumps: the
 * mesh never settled. A 14 x 14 grid with diagonals: 196 nodes (dumps of up to 4 frames), 702 links, the default
 * 1 % frame loss; about 10 s.
 */
class LargeMeshSettlingTest {
    private static final int SIDE = 14;

    @Test
    void a196NodeMeshOnLossyLinksFallsSilentAfterStartUp(@TempDir Path dir) {
        Simulator sim = new Simulator();
        SimNetwork net = new SimNetwork(sim, LinkModel.defaults(), RoutingConfig.defaults(),
                StoreConfig.defaults().withSync(false), dir, 7);
        for (int i = 0; i < SIDE * SIDE; i++) {
            net.addNode();
        }
        int links = 0;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int n = y * SIDE + x;
                for (int[] d : new int[][] {{1, 0}, {0, 1}, {1, 1}, {-1, 1}}) {
                    int nx = x + d[0];
                    int ny = y + d[1];
                    if (nx >= 0 && nx < SIDE && ny < SIDE) {
                        net.connectNow(n, ny * SIDE + nx);
                        links++;
                    }
                }
            }
        }
        sim.runUntil(120_000); // start-up, and the repairs of frames lost during it (summaries every 30 s)
        long[] before = net.bytesByType();
        long minutes = 3;
        sim.runUntil(sim.now() + minutes * 60_000);
        long[] after = net.bytesByType();
        long updates = after[1] - before[1];
        long dumpRequests = after[3] - before[3];
        long seqnoRequests = after[4] - before[4];
        long summaries = after[2] - before[2];
        double perLinkMinute = (after[1] + after[2] + after[3] + after[4] - before[1] - before[2] - before[3] - before[4])
                / (double) links / minutes;
        System.out.printf("196-node grid, 3 idle minutes: updates %d B, dump requests %d B, seqno requests %d B, summaries %d B: %.0f B/link/min%n",
                updates, dumpRequests, seqnoRequests, summaries, perLinkMinute);
        assertThat(RouteCheck.converged(net, false)).as("every route works").isTrue();
        assertThat(perLinkMinute).as("control bytes per link per minute (no link framing)").isLessThanOrEqualTo(200.0);
        assertThat(seqnoRequests).isZero();
        net.close();
    }
}
