package dev.starling.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Acceptance 5 of issue 6: two {@code starling node}s on loopback (two mesh ports, each the other's static
 * peer, discovery off); a user on each registers through the node's Client-Server API with matrix-nio, one
 * creates a room and invites the other by their {@code @bob:<node name>} ID, the other joins over the mesh,
 * and they exchange messages ({@code app/src/test/clients/nio/mesh_chat.py}). Both nodes are the real command,
 * run in-process. Skipped without nio, except on CI.
 */
class NodeCommandNioTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("src/test/clients/nio/mesh_chat.py");

    /** Not the common pool: it may have one thread on a small machine, and each node holds one until stopped. */
    private static final java.util.concurrent.ExecutorService THREADS =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    @TempDir Path dir;

    /** A running node command and what it printed. */
    private record Running(NodeCommand command, StringWriter out, CompletableFuture<Integer> exit) {
        String text() {
            return out.toString();
        }
    }

    @Test
    void twoNodesOnLoopbackChatThroughNioOverTheMesh() throws Exception {
        requireNio();
        int meshA = freePort();
        int meshB = freePort();
        Running a = start("a", meshA, meshB);
        Running b = start("b", meshB, meshA);
        try {
            String nameA = await(a, Pattern.compile("Starling node ([a-z2-7]{52}) "));
            String nameB = await(b, Pattern.compile("Starling node ([a-z2-7]{52}) "));
            String portA = await(a, Pattern.compile("Client-Server API on http://127\\.0\\.0\\.1:(\\d+);"));
            String portB = await(b, Pattern.compile("Client-Server API on http://127\\.0\\.0\\.1:(\\d+);"));
            assertThat(await(a, Pattern.compile("peer up: ([a-z2-7]{52})"))).isEqualTo(nameB);
            assertThat(await(b, Pattern.compile("peer up: ([a-z2-7]{52})"))).isEqualTo(nameA);

            Process script = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), "http://127.0.0.1:" + portA,
                    nameA, "http://127.0.0.1:" + portB, nameB).redirectError(dir.resolve("nio.err").toFile())
                    .start();
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            }, THREADS);
            boolean finished = script.waitFor(180, TimeUnit.SECONDS);
            if (!finished) {
                script.destroyForcibly();
            }
            String report = stdout.get(10, TimeUnit.SECONDS);
            String describe = "nio report:\n" + report + "\nnio stderr:\n"
                    + Files.readString(dir.resolve("nio.err")) + "\nnode A:\n" + a.text() + "\nnode B:\n" + b.text();
            assertThat(finished).as(describe).isTrue();
            assertThat(script.exitValue()).as(describe).isZero();
            assertThat(report).as(describe).contains("\"failures\": []").contains("\"bob joins over the mesh\"")
                    .contains("\"alice receives bob's message\"");
        } finally {
            a.command().stop.countDown();
            b.command().stop.countDown();
            assertThat(a.exit().get(30, TimeUnit.SECONDS)).isZero();
            assertThat(b.exit().get(30, TimeUnit.SECONDS)).isZero();
        }
        // The node key was created owner-only and names the node.
        assertThat(dir.resolve("a").resolve(MeshNode.KEY_FILE)).exists();
    }

    private Running start(String name, int listen, int peer) {
        NodeCommand command = new NodeCommand();
        CommandLine cli = new CommandLine(command);
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--data",
                dir.resolve(name).toString(), "--port", "0", "--listen", String.valueOf(listen), "--peer",
                "127.0.0.1:" + peer, "--discovery", "off"), THREADS);
        return new Running(command, out, exit);
    }

    private static String await(Running node, Pattern pattern) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            Matcher matcher = pattern.matcher(node.text());
            if (matcher.find()) {
                return matcher.group(1);
            }
            if (node.exit().isDone()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + pattern + " in:\n" + node.text());
    }

    private static int freePort() throws IOException {
        return TestPorts.freePort();
    }

    private static void requireNio() throws Exception {
        boolean present = Files.isExecutable(PYTHON)
                && new ProcessBuilder(PYTHON.toString(), "-c", "import nio").start().waitFor() == 0;
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(PYTHON + " cannot import matrix-nio (install with scripts/clients.sh)");
        }
        assumeTrue(present, "matrix-nio is not installed for " + PYTHON + " (scripts/clients.sh installs it)");
    }
}
