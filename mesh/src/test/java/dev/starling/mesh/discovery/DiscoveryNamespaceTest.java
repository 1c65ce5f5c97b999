package dev.starling.mesh.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two discovery nodes on two real hosts: Linux network namespaces joined by a veth pair, created here and
 * deleted in {@code finally}; addresses exist only inside them. Each node runs in its own JVM inside its
 * namespace ({@link DiscoveryProbe}). Needs root and iproute2 (as in CI); skipped otherwise.
 */
class DiscoveryNamespaceTest {
    private static final String A_ADDRESS = "10.231.77.1";
    private static final String B_ADDRESS = "10.231.77.2";

    record Line(String address, int port, long at) {
    }

    /** What a probe printed besides discovery lines. */
    static final class Node {
        volatile String name;
        final List<String> links = new CopyOnWriteArrayList<>();
        final List<String> downs = new CopyOnWriteArrayList<>();
    }

    @Test
    void twoNodesFindEachOtherOverIpv4AndIpv6WithinThreeSecondsAndLinkWithProvenIdentities() throws Exception {
        assumeTrue(isRoot() && Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "needs root and iproute2 to create network namespaces");
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(100000, 999999));
        String nsA = "stl-disc-a-" + suffix;
        String nsB = "stl-disc-b-" + suffix;
        List<Process> probes = new ArrayList<>();
        try {
            run("ip", "netns", "add", nsA);
            run("ip", "netns", "add", nsB);
            for (String ns : List.of(nsA, nsB)) {
                // No duplicate address detection: link-local IPv6 is usable at once.
                run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                        "net.ipv6.conf.default.accept_dad=0");
                run("ip", "-n", ns, "link", "set", "lo", "up");
            }
            run("ip", "-n", nsA, "link", "add", "sa", "type", "veth", "peer", "name", "sb", "netns", nsB);
            run("ip", "-n", nsA, "addr", "add", A_ADDRESS + "/24", "dev", "sa");
            run("ip", "-n", nsB, "addr", "add", B_ADDRESS + "/24", "dev", "sb");
            run("ip", "-n", nsA, "link", "set", "sa", "up");
            run("ip", "-n", nsB, "link", "set", "sb", "up");
            awaitCarrier(nsA, "sa");
            awaitCarrier(nsB, "sb");

            List<Line> seenByA = new CopyOnWriteArrayList<>();
            List<Line> seenByB = new CopyOnWriteArrayList<>();
            long[] ready = new long[2];
            Node nodeA = new Node();
            Node nodeB = new Node();
            probes.add(probe(nsA, "sa", 7001, seenByA, ready, 0, nodeA));
            probes.add(probe(nsB, "sb", 7002, seenByB, ready, 1, nodeB));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (System.nanoTime() < deadline && !(foundBoth(seenByA, 7002) && foundBoth(seenByB, 7001))) {
                Thread.sleep(100);
            }
            assertThat(ready[0]).as("node A started").isPositive();
            assertThat(ready[1]).as("node B started").isPositive();
            long bothReady = Math.max(ready[0], ready[1]);

            assertThat(first(seenByA, B_ADDRESS, 7002)).as("A finds B over IPv4").isBetween(0L, bothReady + 3000);
            assertThat(first(seenByB, A_ADDRESS, 7001)).as("B finds A over IPv4").isBetween(0L, bothReady + 3000);
            assertThat(firstLinkLocal(seenByA, 7002)).as("A finds B over IPv6 ff02::").isBetween(0L, bothReady + 3000);
            assertThat(firstLinkLocal(seenByB, 7001)).as("B finds A over IPv6 ff02::").isBetween(0L, bothReady + 3000);
            System.out.printf("discovery after both ready: A->B v4 %d ms, v6 %d ms; B->A v4 %d ms, v6 %d ms%n",
                    first(seenByA, B_ADDRESS, 7002) - bothReady, firstLinkLocal(seenByA, 7002) - bothReady,
                    first(seenByB, A_ADDRESS, 7001) - bothReady, firstLinkLocal(seenByB, 7001) - bothReady);
            // Own beacons (looped back by the kernel) are never reported.
            assertThat(seenByA).allMatch(line -> line.port() == 7002);
            assertThat(seenByB).allMatch(line -> line.port() == 7001);

            // Discovery led to a link whose handshake proved each node's key: A's link names B and vice versa.
            while (System.nanoTime() < deadline && (nodeA.links.isEmpty() || nodeB.links.isEmpty())) {
                Thread.sleep(100);
            }
            Thread.sleep(2500); // let duplicate dials (over IPv4 and IPv6, from both sides) settle
            assertThat(nodeA.name).isNotNull().hasSize(52);
            assertThat(nodeA.links).isNotEmpty().allMatch(l -> l.startsWith(nodeB.name + " "));
            assertThat(nodeB.links).isNotEmpty().allMatch(l -> l.startsWith(nodeA.name + " "));
            assertThat(Long.parseLong(nodeA.links.get(0).split(" ")[1])).isLessThan(bothReady + 4000);
            // One link per pair remains at each end, however many dials raced.
            assertThat(nodeA.links.size() - nodeA.downs.size()).isEqualTo(1);
            assertThat(nodeB.links.size() - nodeB.downs.size()).isEqualTo(1);
        } finally {
            for (Process p : probes) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            runQuietly("ip", "netns", "del", nsA);
            runQuietly("ip", "netns", "del", nsB);
        }
    }

    private static boolean foundBoth(List<Line> lines, int port) {
        return first(lines, null, port) > 0 && firstLinkLocal(lines, port) > 0;
    }

    private static long first(List<Line> lines, String address, int port) {
        return lines.stream().filter(l -> l.port() == port && (address == null ? !l.address().contains(":")
                : l.address().equals(address))).mapToLong(Line::at).min().orElse(-1);
    }

    private static long firstLinkLocal(List<Line> lines, int port) {
        return lines.stream().filter(l -> l.port() == port && l.address().startsWith("fe80:"))
                .mapToLong(Line::at).min().orElse(-1);
    }

    private static Process probe(String ns, String nif, int port, List<Line> seen, long[] ready, int index,
                                 Node node) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder("ip", "netns", "exec", ns, java, "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), DiscoveryProbe.class.getName(), nif,
                Integer.toString(port), "30000");
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    String[] parts = line.split(" ");
                    if (parts[0].equals("ready")) {
                        ready[index] = Long.parseLong(parts[1]);
                    } else if (parts[0].equals("node")) {
                        node.name = parts[1];
                    } else if (parts[0].equals("link")) {
                        node.links.add(parts[1] + " " + parts[2]);
                    } else if (parts[0].equals("down")) {
                        node.downs.add(parts[1] + " " + parts[2]);
                    } else if (parts[0].equals("peer")) {
                        seen.add(new Line(parts[1], Integer.parseInt(parts[2]), Long.parseLong(parts[3])));
                    }
                }
            } catch (IOException ignored) {
                // the probe was stopped
            }
        });
        return process;
    }

    private static void awaitCarrier(String ns, String nif) throws IOException, InterruptedException {
        for (int i = 0; i < 100; i++) {
            Process p = new ProcessBuilder("ip", "-n", ns, "-o", "link", "show", nif).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            if (out.contains("state UP")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IOException(nif + " in " + ns + " never got a carrier");
    }

    private static boolean isRoot() {
        try {
            return "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                    StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static void runQuietly(String... command) {
        try {
            run(command);
        } catch (IOException | InterruptedException ignored) {
            // best effort cleanup
        }
    }
}
