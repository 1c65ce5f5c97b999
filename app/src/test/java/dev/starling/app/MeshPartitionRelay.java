package dev.starling.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP relay on loopback standing in for the radio between two groups of mesh nodes: it forwards the bytes of
 * every connection both ways to one target port. {@link #cut()} closes every relayed connection (both ends see
 * the link die, as when a peer walks out of range) and makes new connections be closed as soon as they are
 * accepted, so redialling fails; {@link #heal()} lets them through again.
 */
final class MeshPartitionRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean cut = new AtomicBoolean();
    private volatile boolean closed;

    private MeshPartitionRelay(ServerSocket listener, int target) {
        this.listener = listener;
        this.target = target;
    }

    /** A relay on a free loopback port forwarding to {@code 127.0.0.1:target}. */
    static MeshPartitionRelay start(int target) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        MeshPartitionRelay relay = new MeshPartitionRelay(listener, target);
        Thread.ofVirtual().name("relay-" + listener.getLocalPort()).start(relay::accept);
        return relay;
    }

    /** Where peers dial to reach the target through this relay. */
    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    /** Breaks every relayed connection and refuses new ones until {@link #heal()}. */
    void cut() {
        cut.set(true);
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    void heal() {
        cut.set(false);
    }

    private void accept() {
        while (!closed) {
            Socket inbound;
            try {
                inbound = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (cut.get()) {
                closeQuietly(inbound);
                continue;
            }
            Socket outbound = new Socket();
            try {
                outbound.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5000);
            } catch (IOException e) {
                closeQuietly(inbound);
                closeQuietly(outbound);
                continue;
            }
            sockets.add(inbound);
            sockets.add(outbound);
            if (cut.get()) {
                // Cut between the accept and here: do not let this one through either.
                closeQuietly(inbound);
                closeQuietly(outbound);
            }
            Thread.ofVirtual().start(() -> pump(inbound, outbound));
            Thread.ofVirtual().start(() -> pump(outbound, inbound));
        }
    }

    /** Copies bytes from one socket to the other until either ends; then closes both. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // Closed by cut() or by either end: the link is gone.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        cut();
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }
}
