package dev.starling.mesh.link;

import dev.starling.mesh.identity.NodeId;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps a link to one configured peer address up: dials, and when the dial fails or the link later closes,
 * dials again after {@link Backoff} (reset once a link was up). With an expected node, only that node is
 * accepted at the address. Runs on one virtual thread until {@link #close()}. Thread-safe.
 */
public final class StaticPeer<A> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StaticPeer.class.getName());

    private final Transport<A> transport;
    private final A address;
    private final Optional<NodeId> expected;
    private final Backoff backoff;
    private final AtomicInteger connects = new AtomicInteger();
    private final Thread thread;
    private volatile Link current;
    private volatile boolean running = true;

    private StaticPeer(Transport<A> transport, A address, Optional<NodeId> expected, Backoff backoff) {
        this.transport = transport;
        this.address = address;
        this.expected = expected;
        this.backoff = backoff;
        this.thread = Thread.ofVirtual().name("mesh-static-peer").unstarted(this::run);
    }

    /** Starts keeping a link to {@code address} up. */
    public static <A> StaticPeer<A> start(Transport<A> transport, A address, Optional<NodeId> expected, Backoff backoff) {
        StaticPeer<A> peer = new StaticPeer<>(transport, address, expected, backoff);
        peer.thread.start();
        return peer;
    }

    /** The current link, when one is up. */
    public Optional<Link> link() {
        Link link = current;
        return link != null && link.isOpen() ? Optional.of(link) : Optional.empty();
    }

    /** How many links were established so far (for tests and metrics). */
    public int connects() {
        return connects.get();
    }

    private void run() {
        int attempt = 0;
        while (running) {
            try {
                Link link = transport.connect(address, expected);
                current = link;
                connects.incrementAndGet();
                attempt = 0;
                link.closed().toCompletableFuture().get();
                current = null;
                if (!running) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "event=static_peer_dial_failed address={0} attempt={1} error={2}",
                        address, String.valueOf(attempt), e.getMessage());
            }
            Duration delay = backoff.delay(attempt++);
            try {
                TimeUnit.MILLISECONDS.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops redialling and closes the current link. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        Link link = current;
        if (link != null) {
            link.close();
        }
    }

    @Override
    public String toString() {
        return "StaticPeer[" + address + "]";
    }
}
