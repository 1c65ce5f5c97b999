package dev.starling.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for listeners a test must name before they start (a node's peers are given by port). They come from
 * below the kernel's ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range}, 32768–60999 by
 * default): a port 0 listener or an outgoing connection of a node started earlier draws from that range and so
 * can never take one of these before its own listener binds it (MeshPartitionReturnTest once failed so, a
 * {@code ServerSocket(0)} port taken in between). Handed out in turn from an offset by process ID, each
 * checked free, none twice in one run.
 */
final class TestPorts {
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;
    private static final AtomicInteger NEXT = new AtomicInteger((int) (ProcessHandle.current().pid() * 37 % (HIGH - LOW)));

    private TestPorts() {}

    static int freePort() throws IOException {
        for (int tries = 0; tries < HIGH - LOW; tries++) {
            int port = LOW + Math.floorMod(NEXT.getAndIncrement(), HIGH - LOW);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // in use: the next one
            }
        }
        throw new IOException("no free port in " + LOW + "–" + HIGH);
    }
}
