package dev.starling.mesh.link;

import dev.starling.mesh.identity.NodeId;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Link} over one TCP connection after its handshake. One virtual thread reads frames (the socket's
 * read timeout is the dead-link timeout: any frame, keepalives included, resets it); one sends a KEEPALIVE
 * when nothing else was sent for the keepalive interval. Any protocol violation is logged and closes the
 * link; nothing in here throws into the caller's threads except {@link LinkClosedException} from send.
 */
final class TcpLink implements Link {
    private static final System.Logger LOG = System.getLogger(TcpLink.class.getName());

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final CipherState send;
    private final CipherState receive;
    private final NodeId peer;
    private final LinkConfig config;
    private final LinkListener listener;
    private final String remote;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private final byte[] handshakeHash;
    private volatile long lastSentNanos = System.nanoTime();
    private volatile long lastReceivedNanos = System.nanoTime();
    private final Object announceLock = new Object();
    private boolean announced;
    private volatile Thread reader;
    private volatile Thread keepalive;

    TcpLink(Socket socket, DataInputStream in, LinkHandshake.Established established, LinkConfig config,
            LinkListener listener) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        this.send = established.send();
        this.receive = established.receive();
        this.peer = established.peer();
        this.config = config;
        this.listener = listener;
        this.remote = String.valueOf(socket.getRemoteSocketAddress());
        this.handshakeHash = established.handshakeHash();
    }

    /** The Noise handshake hash: the same on both ends, unique per link (duplicate resolution). */
    byte[] handshakeHash() {
        return handshakeHash.clone();
    }

    /**
     * True when nothing arrived for 1.5 keepalive intervals: a healthy peer sends at least a keepalive per
     * interval, so the link is probably half-open (the peer restarted or the path broke silently).
     */
    boolean isStale() {
        return System.nanoTime() - lastReceivedNanos > config.keepaliveInterval().toNanos() * 3 / 2;
    }

    /**
     * Drops a link that was never started (it lost duplicate resolution): tells the peer, closes the
     * socket, and completes {@link #closed()} without calling the listener, which never saw it.
     */
    void discard() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        try {
            FrameChannel.write(out, send, Frame.close(CloseReason.LOCAL));
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
        send.wipe();
        receive.wipe(); // never started: no reader uses it
        closed.complete(CloseReason.LOCAL);
    }

    /**
     * Announces the link and starts its threads; false when it was closed before it could start (it lost
     * duplicate resolution in the meantime), in which case the listener never hears of it.
     */
    boolean start() {
        synchronized (announceLock) {
            if (!open.get()) {
                return false;
            }
            try {
                socket.setSoTimeout((int) config.deadTimeout().toMillis());
            } catch (IOException e) {
                return false;
            }
            announced = true;
        }
        listener.onLinkUp(this);
        reader = Thread.ofVirtual().name("mesh-link-read-" + peer.shortName()).start(this::readLoop);
        keepalive = Thread.ofVirtual().name("mesh-link-keepalive-" + peer.shortName()).start(this::keepaliveLoop);
        return true;
    }

    @Override
    public NodeId peer() {
        return peer;
    }

    @Override
    public String transport() {
        return TcpTransport.NAME;
    }

    @Override
    public String remoteAddress() {
        return remote;
    }

    @Override
    public int maxPayload() {
        return config.maxPayload();
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public CompletionStage<CloseReason> closed() {
        return closed.minimalCompletionStage();
    }

    @Override
    public void send(byte[] payload) throws LinkClosedException {
        if (payload.length > config.maxPayload()) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + config.maxPayload());
        }
        if (!writeFrame(Frame.data(payload))) {
            throw new LinkClosedException("link to " + peer.shortName() + " is closed");
        }
    }

    private boolean writeFrame(Frame frame) {
        if (!open.get()) {
            return false;
        }
        writeLock.lock();
        try {
            if (!open.get()) {
                return false;
            }
            FrameChannel.write(out, send, frame);
            lastSentNanos = System.nanoTime();
            return true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "event=link_write_failed peer={0} error={1}", peer.shortName(), e.getMessage());
            shutdown(CloseReason.IO_ERROR, false);
            return false;
        } finally {
            writeLock.unlock();
        }
    }

    private void readLoop() {
        CloseReason reason = CloseReason.PEER_CLOSED;
        try {
            while (open.get()) {
                Frame frame = FrameChannel.read(in, receive, config.maxPayload());
                if (frame == null) {
                    break;
                }
                lastReceivedNanos = System.nanoTime();
                switch (frame.type()) {
                    case DATA -> listener.onData(this, frame.body());
                    case KEEPALIVE -> { }
                    case CLOSE -> {
                        shutdown(CloseReason.PEER_CLOSED, false);
                        receive.wipe();
                        return;
                    }
                }
            }
        } catch (SocketTimeoutException e) {
            reason = CloseReason.TIMEOUT;
            LOG.log(System.Logger.Level.INFO, "event=link_dead peer={0} remote={1} silent_ms={2}",
                    peer.shortName(), remote, String.valueOf(config.deadTimeout().toMillis()));
        } catch (FrameException e) {
            reason = CloseReason.PROTOCOL_ERROR;
            LOG.log(System.Logger.Level.WARNING, "event=link_frame_refused peer={0} remote={1} problem={2} detail={3}",
                    peer.shortName(), remote, e.problem(), e.getMessage());
        } catch (NoiseException e) {
            reason = CloseReason.AUTHENTICATION_FAILED;
            LOG.log(System.Logger.Level.WARNING,
                    "event=link_frame_refused peer={0} remote={1} problem=authentication detail={2}",
                    peer.shortName(), remote, e.getMessage());
        } catch (IOException e) {
            reason = open.get() ? CloseReason.IO_ERROR : CloseReason.LOCAL;
        } catch (RuntimeException e) {
            // A listener bug must not leave a half-dead link behind.
            reason = CloseReason.IO_ERROR;
            LOG.log(System.Logger.Level.ERROR, "event=link_listener_failed peer=" + peer.shortName(), e);
        }
        shutdown(reason, reason == CloseReason.PROTOCOL_ERROR || reason == CloseReason.AUTHENTICATION_FAILED
                || reason == CloseReason.TIMEOUT);
        receive.wipe(); // only this thread uses the receive cipher
    }

    private void keepaliveLoop() {
        long interval = config.keepaliveInterval().toNanos();
        try {
            while (open.get()) {
                long idle = System.nanoTime() - lastSentNanos;
                if (idle >= interval) {
                    if (!writeFrame(Frame.keepalive())) {
                        return;
                    }
                    idle = 0;
                }
                TimeUnit.NANOSECONDS.sleep(interval - idle);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(CloseReason.LOCAL, true);
    }

    /** Closes once: optionally tells the peer why, closes the socket, wipes keys, tells the listener. */
    private void shutdown(CloseReason reason, boolean tellPeer) {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        if (tellPeer) {
            try {
                // Best effort and bounded: a peer that stopped reading must not block the close.
                if (writeLock.tryLock(200, TimeUnit.MILLISECONDS)) {
                    try {
                        FrameChannel.write(out, send, Frame.close(reason));
                    } catch (IOException ignored) {
                        // the socket is closed below anyway
                    } finally {
                        writeLock.unlock();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
        writeLock.lock(); // a writer blocked on the closed socket fails promptly
        try {
            send.wipe();
        } finally {
            writeLock.unlock();
        }
        if (keepalive != null) {
            keepalive.interrupt();
        }
        LOG.log(System.Logger.Level.INFO, "event=link_down transport=tcp peer={0} remote={1} reason={2}",
                peer.shortName(), remote, reason);
        closed.complete(reason); // first, so that the transport's list of links is already up to date
        boolean wasAnnounced;
        synchronized (announceLock) {
            wasAnnounced = announced;
        }
        if (!wasAnnounced) {
            return;
        }
        try {
            listener.onLinkDown(this, reason);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "event=link_listener_failed peer=" + peer.shortName(), e);
        }
    }

    @Override
    public String toString() {
        return "TcpLink[" + peer.shortName() + " @ " + remote + (open.get() ? "" : ", closed") + "]";
    }
}
