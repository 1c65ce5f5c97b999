package dev.starling.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 2 of issue 6 on real hosts: four {@code starling node} processes in four Linux network namespaces
 * joined in a chain A–B, B–C, C–D by veth pairs. No IP forwarding and no DNS: A and D cannot reach each other
 * directly, so everything between them crosses B and C over mesh routes. Nodes find their neighbours by
 * multicast (no static peers). matrix-nio users on each node ({@code mesh_chain.py}) join one encrypted room;
 * A's and D's users exchange messages with E2EE; the B–C link is cut (interface down on both ends) until both
 * B and C see the link as dead, both sides send, the link is healed, and every message sent in the meantime
 * must arrive and be decrypted, and all four servers must end with identical room state. Needs root, iproute2
 * and nio (as in CI); skipped otherwise.
 */
class MeshChainNioTest {
    private static final Pattern PEER_DOWN = Pattern.compile("peer down: ([a-z2-7]{52})");

    @TempDir Path dir;

    @Test
    void aAndDChatWithE2eeThroughBAndCAcrossACutAndHealedLink() throws Exception {
        NodeNamespaceNioTest.assumeNamespacesAndNio();
        List<ChildProcess> children = new ArrayList<>();
        Path control = Files.createDirectories(dir.resolve("control"));
        try (Netns netns = new Netns()) {
            try {
                String nsA = netns.add("chain-a");
                String nsB = netns.add("chain-b");
                String nsC = netns.add("chain-c");
                String nsD = netns.add("chain-d");
                netns.veth(nsA, "ab", "10.231.81.1/24", nsB, "ba", "10.231.81.2/24");
                netns.veth(nsB, "bc", "10.231.82.1/24", nsC, "cb", "10.231.82.2/24");
                netns.veth(nsC, "cd", "10.231.83.1/24", nsD, "dc", "10.231.83.2/24");

                ChildProcess a = ChildProcess.node(nsA, dir, "a");
                ChildProcess b = ChildProcess.node(nsB, dir, "b");
                ChildProcess c = ChildProcess.node(nsC, dir, "c");
                ChildProcess d = ChildProcess.node(nsD, dir, "d");
                children.addAll(List.of(a, b, c, d));
                String nameA = a.await(NodeNamespaceNioTest.NAME);
                String nameB = b.await(NodeNamespaceNioTest.NAME);
                String nameC = c.await(NodeNamespaceNioTest.NAME);
                String nameD = d.await(NodeNamespaceNioTest.NAME);
                // Each node links to its chain neighbours only.
                assertThat(a.await(NodeNamespaceNioTest.PEER_UP)).isEqualTo(nameB);
                assertThat(d.await(NodeNamespaceNioTest.PEER_UP)).isEqualTo(nameC);
                awaitPeerUp(b, 0, nameA);
                awaitPeerUp(b, 0, nameC);
                awaitPeerUp(c, 0, nameD);

                List<String> command = new ArrayList<>(List.of(NodeNamespaceNioTest.PYTHON.toString(),
                        NodeNamespaceNioTest.CLIENTS.resolve("mesh_chain.py").toString()));
                for (var node : List.of(List.of(nsA, nameA, "a"), List.of(nsB, nameB, "b"),
                        List.of(nsC, nameC, "c"), List.of(nsD, nameD, "d"))) {
                    int port = NodeNamespaceNioTest.forward(node.get(0), dir, "forward-" + node.get(2), children);
                    command.add("http://127.0.0.1:" + port);
                    command.add(node.get(1));
                }
                command.add(control.toString());
                ChildProcess script = ChildProcess.start(command, dir, "nio");
                children.add(script);

                awaitPhase(script, "cut", 400);
                int bLines = b.lines().size();
                int cLines = c.lines().size();
                long cutAt = System.nanoTime();
                netns.down(nsB, "bc");
                netns.down(nsC, "cb");
                assertThat(b.awaitFrom(bLines, PEER_DOWN, 60)).isEqualTo(nameC);
                assertThat(c.awaitFrom(cLines, PEER_DOWN, 60)).isEqualTo(nameB);
                long deadAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt);
                Files.writeString(control.resolve("cut"), "cut");

                awaitPhase(script, "heal", 300);
                bLines = b.lines().size();
                long healedAt = System.currentTimeMillis();
                long healNanos = System.nanoTime();
                netns.up(nsB, "bc");
                netns.up(nsC, "cb");
                Files.writeString(control.resolve("healed"), Long.toString(healedAt));
                awaitPeerUp(b, bLines, nameC);
                long linkedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healNanos);

                boolean finished = script.process().waitFor(600, TimeUnit.SECONDS);
                String describe = "nio report:\n" + script.text() + "\nnio stderr:\n"
                        + Files.readString(dir.resolve("nio.err")) + "\nnode A:\n" + a.text() + "\nnode B:\n"
                        + b.text() + "\nnode C:\n" + c.text() + "\nnode D:\n" + d.text();
                System.out.println("mesh chain: link seen dead " + deadAfter + " ms after the cut; relinked "
                        + linkedAfter + " ms after the heal; " + script.lines().stream()
                        .filter(l -> l.startsWith("PHASE delivered")).findFirst().orElse("not delivered")
                        + " s after the heal");
                // The measured steps (delivery and convergence times, counts) for BENCHMARKS.md.
                Files.readAllLines(dir.resolve("nio.err")).stream()
                        .filter(l -> l.contains(": delivery after the heal:") || l.contains(": messages before the cut:")
                                || l.contains(": each sender's events") || (l.contains(": all four servers hold")
                                && l.contains("'identical': True")))
                        .forEach(l -> System.out.println("mesh chain: " + l));
                assertThat(finished).as(describe).isTrue();
                assertThat(script.process().exitValue()).as(describe).isZero();
                assertThat(script.text()).as(describe).contains("\"failures\": []")
                        .contains("\"all four servers hold the same room\"")
                        .contains("\"alice decrypts every message of dave\"")
                        .contains("\"dave decrypts every message of alice\"");
            } finally {
                for (ChildProcess child : children) {
                    child.stop();
                }
            }
        }
    }

    /** Waits for the script's "PHASE name" line; on failure shows what the script logged. */
    private void awaitPhase(ChildProcess script, String name, int seconds) throws Exception {
        try {
            script.await(Pattern.compile("PHASE (" + name + ")"), seconds);
        } catch (AssertionError e) {
            throw new AssertionError("no PHASE " + name + "; nio stderr:\n" + Files.readString(dir.resolve("nio.err"))
                    + "\nnio stdout:\n" + script.text(), e);
        }
    }

    private static void awaitPeerUp(ChildProcess node, int fromLine, String peer) throws InterruptedException {
        node.awaitFrom(fromLine, Pattern.compile("peer up: (" + peer + ")"), 60);
    }
}
