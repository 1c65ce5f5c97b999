package dev.starling.mesh.link;

import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.identity.NodeIdentity;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Links over TCP: listens on a port, dials addresses, runs the Noise XX link handshake on each connection
 * and hands every authenticated {@link Link} to one {@link LinkListener}. Inbound handshakes are bounded in
 * number ({@link LinkConfig#maxPendingHandshakes()}) and in time ({@link LinkConfig#handshakeTimeout()}),
 * so connection floods and slow peers cannot pile up. Thread-safe.
 */
public final class TcpTransport implements Transport<InetSocketAddress> {
    public static final String NAME = "tcp";
    private static final System.Logger LOG = System.getLogger(TcpTransport.class.getName());

    private final LocalKeys keys;
    private final LinkConfig config;
    private final LinkListener listener;
    private final ServerSocket server;
    private final Semaphore pendingHandshakes;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final java.util.Map<NodeId, TcpLink> byPeer = new java.util.HashMap<>();
    private final AtomicBoolean open = new AtomicBoolean(true);

    private TcpTransport(LocalKeys keys, LinkConfig config, LinkListener listener, ServerSocket server) {
        this.keys = keys;
        this.config = config;
        this.listener = listener;
        this.server = server;
        this.pendingHandshakes = new Semaphore(config.maxPendingHandshakes());
    }

    /** Listens on {@code bind} (port 0 picks a free port) and starts accepting links. */
    public static TcpTransport start(NodeIdentity identity, LinkConfig config, InetSocketAddress bind,
                                     LinkListener listener) throws IOException {
        SecureRandom random = new SecureRandom();
        return start(new LocalKeys(identity, random), config, bind, listener);
    }

    static TcpTransport start(LocalKeys keys, LinkConfig config, InetSocketAddress bind, LinkListener listener)
            throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(bind, 64);
        TcpTransport transport = new TcpTransport(keys, config, listener, server);
        Thread.ofVirtual().name("mesh-tcp-accept-" + server.getLocalPort()).start(transport::acceptLoop);
        LOG.log(System.Logger.Level.INFO, "event=transport_listening transport=tcp address={0}",
                server.getLocalSocketAddress());
        return transport;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The port links are accepted on. */
    public int port() {
        return server.getLocalPort();
    }

    public NodeId nodeId() {
        return keys.identity.nodeId();
    }

    /** The links that are open now. */
    public Set<Link> links() {
        return Set.copyOf(links);
    }

    @Override
    public Link connect(InetSocketAddress address, Optional<NodeId> expected) throws IOException {
        if (!open.get()) {
            throw new IOException("transport closed");
        }
        if (expected.isPresent()) {
            synchronized (byPeer) {
                TcpLink existing = byPeer.get(expected.get());
                if (existing != null && existing.isOpen()) {
                    return existing;
                }
            }
        }
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, (int) config.handshakeTimeout().toMillis());
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            LinkHandshake.Established established;
            Watchdog watchdog = new Watchdog(socket, config);
            try {
                established = LinkHandshake.initiate(keys, in, socket.getOutputStream(), expected);
            } finally {
                watchdog.close();
            }
            return register(socket, in, established);
        } catch (HandshakeException e) {
            LOG.log(System.Logger.Level.WARNING, "event=handshake_refused direction=outbound remote={0} problem={1} detail={2}",
                    address, e.problem(), e.getMessage());
            closeQuietly(socket);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    private void acceptLoop() {
        while (open.get()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (open.get()) {
                    LOG.log(System.Logger.Level.WARNING, "event=accept_failed error={0}", e.getMessage());
                }
                continue;
            }
            if (!pendingHandshakes.tryAcquire()) {
                LOG.log(System.Logger.Level.WARNING, "event=handshake_refused direction=inbound remote={0} problem=too_many_pending",
                        socket.getRemoteSocketAddress());
                closeQuietly(socket);
                continue;
            }
            Thread.ofVirtual().name("mesh-tcp-handshake").start(() -> {
                try {
                    acceptOne(socket);
                } finally {
                    pendingHandshakes.release();
                }
            });
        }
    }

    private void acceptOne(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            LinkHandshake.Established established;
            Watchdog watchdog = new Watchdog(socket, config);
            try {
                established = LinkHandshake.respond(keys, in, socket.getOutputStream());
            } finally {
                watchdog.close();
            }
            register(socket, in, established);
        } catch (HandshakeException e) {
            LOG.log(System.Logger.Level.WARNING, "event=handshake_refused direction=inbound remote={0} problem={1} detail={2}",
                    socket.getRemoteSocketAddress(), e.problem(), e.getMessage());
            closeQuietly(socket);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "event=handshake_failed direction=inbound remote={0} error={1}",
                    socket.getRemoteSocketAddress(), e.toString());
            closeQuietly(socket);
        }
    }

    private Link register(Socket socket, DataInputStream in, LinkHandshake.Established established) throws IOException {
        TcpLink link = new TcpLink(socket, in, established, config, listener);
        NodeId peer = established.peer();
        TcpLink replaced = null;
        synchronized (byPeer) {
            if (!open.get()) {
                link.discard();
                throw new IOException("transport closed");
            }
            TcpLink existing = byPeer.get(peer);
            if (existing != null && existing.isOpen()) {
                if (!newOneWins(existing, link)) {
                    LOG.log(System.Logger.Level.INFO, "event=link_duplicate_dropped transport=tcp peer={0} remote={1}",
                            peer.shortName(), socket.getRemoteSocketAddress());
                    link.discard();
                    return existing;
                }
                replaced = existing;
            }
            byPeer.put(peer, link);
            links.add(link);
        }
        link.closed().whenComplete((reason, error) -> {
            links.remove(link);
            synchronized (byPeer) {
                byPeer.remove(peer, link);
            }
        });
        if (replaced != null) {
            LOG.log(System.Logger.Level.INFO, "event=link_replaced transport=tcp peer={0}", peer.shortName());
            replaced.close();
        }
        LOG.log(System.Logger.Level.INFO, "event=link_up transport=tcp peer={0} remote={1}",
                peer.shortName(), socket.getRemoteSocketAddress());
        if (!link.start()) {
            // Replaced by a racing link to the same peer before it started: hand out the winner.
            synchronized (byPeer) {
                TcpLink winner = byPeer.get(peer);
                if (winner != null && winner.isOpen()) {
                    return winner;
                }
            }
            throw new IOException("link to " + peer.shortName() + " closed while it was being set up");
        }
        return link;
    }

    /**
     * One link per peer. Both ends must pick the same link without talking, so the rule depends only on what
     * both ends share: keep the link with the lower Noise handshake hash (equal at both ends). The exception
     * is an existing link that has gone quiet ({@link TcpLink#isStale()}): the peer evidently lost it
     * (restart, silent path loss) and dialled again, so the new link replaces it.
     */
    static boolean newOneWins(TcpLink existing, TcpLink candidate) {
        if (existing.isStale()) {
            return true;
        }
        return java.util.Arrays.compareUnsigned(candidate.handshakeHash(), existing.handshakeHash()) < 0;
    }

    @Override
    public void close() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        closeQuietly(server);
        synchronized (byPeer) {
            byPeer.clear();
        }
        for (Link link : links) {
            link.close();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    /** Closes the socket if the handshake has not finished within the handshake timeout. */
    private static final class Watchdog {
        private final Thread thread;
        private volatile boolean done;

        Watchdog(Socket socket, LinkConfig config) throws IOException {
            socket.setSoTimeout((int) config.handshakeTimeout().toMillis());
            long millis = config.handshakeTimeout().toMillis();
            thread = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(millis);
                    if (!done) {
                        closeQuietly(socket);
                    }
                } catch (InterruptedException e) {
                    // handshake finished in time
                }
            });
        }

        void close() {
            done = true;
            thread.interrupt();
        }
    }

    @Override
    public String toString() {
        return "TcpTransport[" + keys.identity.nodeId().shortName() + " :" + port() + "]";
    }
}
