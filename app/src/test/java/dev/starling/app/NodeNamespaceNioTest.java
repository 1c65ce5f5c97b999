package dev.starling.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 5 of issue 6 on two real hosts: two {@code starling node} processes, each in its own Linux network
 * namespace joined by a veth pair, with LAN discovery on and no static peers: they find each other by
 * multicast and link; then matrix-nio users on each chat over the mesh ({@code mesh_chat.py}). A node's
 * Client-Server API is on its own namespace's loopback, so {@code netns_forward.py} makes it reachable from
 * here. Needs root, iproute2 and nio (as in CI); skipped otherwise.
 */
class NodeNamespaceNioTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path CLIENTS = Path.of("src/test/clients/nio");

    @TempDir Path dir;

    /** A child process and the lines it printed. */
    private record Child(Process process, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }
    }

    @Test
    void twoNodesInTwoNamespacesDiscoverEachOtherAndTheirUsersChat() throws Exception {
        boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).trim());
        assumeTrue(root && Files.isExecutable(Path.of("/usr/sbin/ip")), "needs root and iproute2");
        assumeTrue(Files.isExecutable(PYTHON)
                && new ProcessBuilder(PYTHON.toString(), "-c", "import nio").start().waitFor() == 0,
                "needs matrix-nio for " + PYTHON);
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(100000, 999999));
        String nsA = "stl-node-a-" + suffix;
        String nsB = "stl-node-b-" + suffix;
        List<Child> children = new ArrayList<>();
        try {
            run("ip", "netns", "add", nsA);
            run("ip", "netns", "add", nsB);
            for (String ns : List.of(nsA, nsB)) {
                run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                        "net.ipv6.conf.default.accept_dad=0");
                run("ip", "-n", ns, "link", "set", "lo", "up");
            }
            run("ip", "-n", nsA, "link", "add", "na", "type", "veth", "peer", "name", "nb", "netns", nsB);
            run("ip", "-n", nsA, "addr", "add", "10.231.78.1/24", "dev", "na");
            run("ip", "-n", nsB, "addr", "add", "10.231.78.2/24", "dev", "nb");
            run("ip", "-n", nsA, "link", "set", "na", "up");
            run("ip", "-n", nsB, "link", "set", "nb", "up");

            Child a = node(nsA, "a");
            Child b = node(nsB, "b");
            children.add(a);
            children.add(b);
            String nameA = await(a, Pattern.compile("Starling node ([a-z2-7]{52}) "));
            String nameB = await(b, Pattern.compile("Starling node ([a-z2-7]{52}) "));
            assertThat(await(a, Pattern.compile("peer up: ([a-z2-7]{52})"))).isEqualTo(nameB);
            assertThat(await(b, Pattern.compile("peer up: ([a-z2-7]{52})"))).isEqualTo(nameA);

            int portA = freePort();
            int portB = freePort();
            Child forwardA = child(List.of(PYTHON.toString(), CLIENTS.resolve("netns_forward.py").toString(),
                    String.valueOf(portA), nsA, "8009"), "forward-a");
            Child forwardB = child(List.of(PYTHON.toString(), CLIENTS.resolve("netns_forward.py").toString(),
                    String.valueOf(portB), nsB, "8009"), "forward-b");
            children.add(forwardA);
            children.add(forwardB);
            await(forwardA, Pattern.compile("(ready)"));
            await(forwardB, Pattern.compile("(ready)"));

            Process script = new ProcessBuilder(PYTHON.toString(), CLIENTS.resolve("mesh_chat.py").toString(),
                    "http://127.0.0.1:" + portA, nameA, "http://127.0.0.1:" + portB, nameB)
                    .redirectError(dir.resolve("nio.err").toFile()).redirectOutput(dir.resolve("nio.out").toFile())
                    .start();
            boolean finished = script.waitFor(180, TimeUnit.SECONDS);
            if (!finished) {
                script.destroyForcibly();
            }
            String report = Files.readString(dir.resolve("nio.out"));
            String describe = "nio report:\n" + report + "\nnio stderr:\n" + Files.readString(dir.resolve("nio.err"))
                    + "\nnode A:\n" + a.text() + "\nnode B:\n" + b.text();
            assertThat(finished).as(describe).isTrue();
            assertThat(script.exitValue()).as(describe).isZero();
            assertThat(report).as(describe).contains("\"failures\": []").contains("\"bob joins over the mesh\"");
        } finally {
            for (Child c : children) {
                c.process().destroy();
                if (!c.process().waitFor(15, TimeUnit.SECONDS)) {
                    c.process().destroyForcibly();
                }
            }
            runQuietly("ip", "netns", "del", nsA);
            runQuietly("ip", "netns", "del", nsB);
        }
    }

    private Child node(String ns, String name) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return child(List.of("ip", "netns", "exec", ns, java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Starling.class.getName(), "node", "--data",
                dir.resolve(name).toString(), "--port", "8009", "--listen", "41844", "--discovery", "on"), name);
    }

    private Child child(List<String> command, String name) throws IOException {
        Process process = new ProcessBuilder(command).redirectError(dir.resolve(name + ".err").toFile()).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        return new Child(process, lines);
    }

    private static String await(Child child, Pattern pattern) throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            Matcher matcher = pattern.matcher(child.text());
            if (matcher.find()) {
                return matcher.group(1);
            }
            if (!child.process().isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + pattern + " in:\n" + child.text());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
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
