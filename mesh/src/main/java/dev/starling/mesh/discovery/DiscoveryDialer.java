package dev.starling.mesh.discovery;

import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.link.Link;
import dev.starling.mesh.link.Transport;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns discovered peers into links: dials each announced address through a transport, unless a link to
 * that address is open, a dial to it is in flight, or a dial to it failed within the cooldown. Once a dial
 * proved which node listens at an address, later announcements of it expect that node, so the transport
 * returns the open link to it (however it was made) instead of dialling again. At most
 * {@code maxInFlight} dials run at once; further announcements are skipped (discovery announces a peer
 * again after it expires). Memory is bounded: the failure table is cleared when it reaches its cap.
 * Thread-safe.
 */
public final class DiscoveryDialer implements DiscoveryListener {
    private static final System.Logger LOG = System.getLogger(DiscoveryDialer.class.getName());
    private static final int MAX_FAILURES_REMEMBERED = 256;

    private final Transport<InetSocketAddress> transport;
    private final Supplier<Set<Link>> openLinks;
    private final int maxInFlight;
    private final long cooldownNanos;
    private final Set<InetSocketAddress> inFlight = new HashSet<>();
    private final Map<InetSocketAddress, Long> failedAt = new HashMap<>();
    /** The node that answered at an address last time: later dials expect it, and reuse its open link. */
    private final Map<InetSocketAddress, NodeId> knownAt = new HashMap<>();

    /**
     * @param openLinks the transport's open links (to skip addresses already linked)
     * @param maxInFlight dials at once (e.g. 4)
     * @param cooldownMillis no redial of an address whose dial failed this recently (e.g. 5000)
     */
    public DiscoveryDialer(Transport<InetSocketAddress> transport, Supplier<Set<Link>> openLinks, int maxInFlight,
                           long cooldownMillis) {
        this.transport = transport;
        this.openLinks = openLinks;
        this.maxInFlight = maxInFlight;
        this.cooldownNanos = cooldownMillis * 1_000_000L;
    }

    @Override
    public void onPeer(DiscoveredPeer peer) {
        InetSocketAddress address = peer.linkAddress();
        String text = String.valueOf(address);
        for (Link link : openLinks.get()) {
            if (link.remoteAddress().equals(text)) {
                return;
            }
        }
        long now = System.nanoTime();
        synchronized (this) {
            Long failed = failedAt.get(address);
            if (failed != null && now - failed < cooldownNanos) {
                return;
            }
            if (inFlight.contains(address) || inFlight.size() >= maxInFlight) {
                return;
            }
            inFlight.add(address);
        }
        Thread.ofVirtual().name("mesh-discovery-dial").start(() -> dial(address));
    }

    private void dial(InetSocketAddress address) {
        boolean ok = false;
        Optional<NodeId> expected;
        synchronized (this) {
            expected = Optional.ofNullable(knownAt.get(address));
        }
        try {
            Link link = transport.connect(address, expected);
            ok = true;
            synchronized (this) {
                if (knownAt.size() >= MAX_FAILURES_REMEMBERED) {
                    knownAt.clear();
                }
                knownAt.put(address, link.peer());
            }
            LOG.log(System.Logger.Level.INFO, "event=discovered_peer_linked peer={0} remote={1}",
                    link.peer().shortName(), address);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.INFO, "event=discovered_peer_dial_failed remote={0} error={1}",
                    address, e.getMessage());
        } finally {
            synchronized (this) {
                inFlight.remove(address);
                if (ok) {
                    failedAt.remove(address);
                } else {
                    if (failedAt.size() >= MAX_FAILURES_REMEMBERED) {
                        failedAt.clear();
                    }
                    failedAt.put(address, System.nanoTime());
                    knownAt.remove(address); // another node may have taken the address
                }
            }
        }
    }
}
