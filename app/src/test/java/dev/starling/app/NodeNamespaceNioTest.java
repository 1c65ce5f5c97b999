package dev.starling.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path CLIENTS = Path.of("src/test/clients/nio");
    static final Pattern NAME = Pattern.compile("Starling node ([a-z2-7]{52}) ");
    static final Pattern PEER_UP = Pattern.compile("peer up: ([a-z2-7]{52})");

    @TempDir Path dir;

    /** Skips the test unless this is root with iproute2 and matrix-nio (as in CI). */
    static void assumeNamespacesAndNio() throws Exception {
        assumeTrue(Netns.available(), "needs root and iproute2");
        assumeTrue(Files.isExecutable(PYTHON)
                && new ProcessBuilder(PYTHON.toString(), "-c", "import nio").start().waitFor() == 0,
                "needs matrix-nio for " + PYTHON);
    }

    /** Forwards a free port here to the Client-Server API (port 8009) inside {@code ns}; returns the port. */
    static int forward(String ns, Path dir, String name, List<ChildProcess> children) throws Exception {
        int port = ChildProcess.freePort();
        ChildProcess forward = ChildProcess.start(List.of(PYTHON.toString(),
                CLIENTS.resolve("netns_forward.py").toString(), String.valueOf(port), ns, "8009"), dir, name);
        children.add(forward);
        forward.await(Pattern.compile("(ready)"));
        return port;
    }

    @Test
    void twoNodesInTwoNamespacesDiscoverEachOtherAndTheirUsersChat() throws Exception {
        assumeNamespacesAndNio();
        List<ChildProcess> children = new ArrayList<>();
        try (Netns netns = new Netns()) {
            try {
                String nsA = netns.add("node-a");
                String nsB = netns.add("node-b");
                netns.veth(nsA, "na", "10.231.78.1/24", nsB, "nb", "10.231.78.2/24");

                ChildProcess a = ChildProcess.node(nsA, dir, "a");
                ChildProcess b = ChildProcess.node(nsB, dir, "b");
                children.add(a);
                children.add(b);
                String nameA = a.await(NAME);
                String nameB = b.await(NAME);
                assertThat(a.await(PEER_UP)).isEqualTo(nameB);
                assertThat(b.await(PEER_UP)).isEqualTo(nameA);

                int portA = forward(nsA, dir, "forward-a", children);
                int portB = forward(nsB, dir, "forward-b", children);

                Process script = new ProcessBuilder(PYTHON.toString(), CLIENTS.resolve("mesh_chat.py").toString(),
                        "http://127.0.0.1:" + portA, nameA, "http://127.0.0.1:" + portB, nameB)
                        .redirectError(dir.resolve("nio.err").toFile())
                        .redirectOutput(dir.resolve("nio.out").toFile())
                        .start();
                boolean finished = script.waitFor(180, TimeUnit.SECONDS);
                if (!finished) {
                    script.destroyForcibly();
                }
                String report = Files.readString(dir.resolve("nio.out"));
                String describe = "nio report:\n" + report + "\nnio stderr:\n"
                        + Files.readString(dir.resolve("nio.err")) + "\nnode A:\n" + a.text() + "\nnode B:\n"
                        + b.text();
                assertThat(finished).as(describe).isTrue();
                assertThat(script.exitValue()).as(describe).isZero();
                assertThat(report).as(describe).contains("\"failures\": []").contains("\"bob joins over the mesh\"");
            } finally {
                for (ChildProcess c : children) {
                    c.stop();
                }
            }
        }
    }
}
