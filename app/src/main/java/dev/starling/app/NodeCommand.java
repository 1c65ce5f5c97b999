package dev.starling.app;

import dev.starling.mesh.discovery.DiscoveryConfig;
import dev.starling.mesh.link.LinkConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code starling node}: runs a P2P node until stopped — the homeserver embedded on SQLite, named by the node
 * key, with the Client-Server API on 127.0.0.1 for the clients of this device, and federation over mesh routes
 * (links to static peers and peers found on the LAN, relaying for nodes several hops away). Prints the node's
 * server name and a line per link up or down.
 */
@Command(name = "node", description = "Run a P2P node: the homeserver named by its own key, federating over the local mesh.")
final class NodeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "node-data",
            description = "Data directory: node key and database (default: ${DEFAULT-VALUE}; created if missing).")
    Path dataDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8009",
            description = "Client-Server API port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--listen", paramLabel = "PORT", defaultValue = "41844",
            description = "Mesh TCP port on every interface (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int listen;

    @Option(names = "--peer", paramLabel = "HOST:PORT",
            description = "A static peer to keep linked (repeatable), e.g. 192.168.1.20:41844.")
    List<String> peers = new ArrayList<>();

    @Option(names = "--discovery", paramLabel = "on|off", defaultValue = "on",
            description = "LAN multicast discovery (default: ${DEFAULT-VALUE}).")
    String discovery;

    /** Counted down to stop the node: by the JVM's shutdown hook, or by a test. */
    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String peer : peers) {
            int colon = peer.lastIndexOf(':');
            int peerPort;
            try {
                peerPort = colon > 0 ? Integer.parseInt(peer.substring(colon + 1)) : -1;
            } catch (NumberFormatException e) {
                peerPort = -1;
            }
            if (peerPort < 1 || peerPort > 65535) {
                return usage(err, "--peer " + peer + ": expected HOST:PORT");
            }
            String host = peer.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            addresses.add(new InetSocketAddress(host, peerPort));
        }
        if (!discovery.equals("on") && !discovery.equals("off")) {
            return usage(err, "--discovery " + discovery + ": expected on or off");
        }
        if (port < 0 || port > 65535 || listen < 0 || listen > 65535) {
            return usage(err, "--port and --listen take a port number (0-65535)");
        }
        MeshNode node;
        try {
            node = MeshNode.start(new MeshNode.Options(dataDir, port, listen, addresses, discovery.equals("on"),
                    DiscoveryConfig.defaults(), LinkConfig.defaults()), line -> {
                        synchronized (out) {
                            out.println(line);
                            out.flush();
                        }
                    });
        } catch (IOException | RuntimeException e) {
            err.println("starling node: cannot start: " + e.getMessage());
            err.flush();
            return 1;
        }
        synchronized (out) {
            out.println("Starling node " + node.serverName() + " (users are @name:" + node.serverName() + ")");
            out.println("Client-Server API on http://127.0.0.1:" + node.httpPort() + "; mesh links on TCP port "
                    + node.listenPort() + "; discovery " + discovery + "; static peers " + peers
                    + "; data " + dataDir.toAbsolutePath());
            out.flush();
        }
        StartupMemory.release();
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stop.await();
        } finally {
            node.close();
            closed.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running and waits only for `closed`, which is counted down.
        }
        return 0;
    }

    private static int usage(PrintWriter err, String problem) {
        err.println("starling node: " + problem);
        err.flush();
        return 2;
    }
}
