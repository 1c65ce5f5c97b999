package dev.starling.mesh.node;

import dev.starling.mesh.discovery.DiscoveryConfig;
import dev.starling.mesh.link.Backoff;
import dev.starling.mesh.link.LinkConfig;
import dev.starling.mesh.routing.RoutingConfig;
import dev.starling.mesh.store.StoreConfig;
import java.util.Optional;

/**
 * Settings of a {@link MeshNode}: those of each part it wires, plus whether LAN discovery runs.
 *
 * @param discovery LAN multicast discovery; empty = static peers only
 */
public record MeshNodeConfig(LinkConfig link, RoutingConfig routing, StoreConfig store, Backoff backoff,
                             Optional<DiscoveryConfig> discovery) {
    /** Routing packet header inside a link DATA frame: channel byte (1) + DATA packet header (91). */
    static final int OVERHEAD = 1 + 91;

    public MeshNodeConfig {
        if (link.maxPayload() <= OVERHEAD) {
            throw new IllegalArgumentException("link payload too small for a routing packet");
        }
    }

    /** Every part's defaults, static peers only (no discovery). */
    public static MeshNodeConfig defaults() {
        return new MeshNodeConfig(LinkConfig.defaults(), RoutingConfig.defaults(), StoreConfig.defaults(),
                Backoff.defaults(), Optional.empty());
    }

    public MeshNodeConfig withDiscovery(DiscoveryConfig d) {
        return new MeshNodeConfig(link, routing, store, backoff, Optional.of(d));
    }

    public MeshNodeConfig withBackoff(Backoff b) {
        return new MeshNodeConfig(link, routing, store, b, discovery);
    }

    public MeshNodeConfig withStore(StoreConfig s) {
        return new MeshNodeConfig(link, routing, s, backoff, discovery);
    }

    /** The largest payload {@link MeshNode#send} takes: one link DATA frame minus the routing header. */
    public int maxPayload() {
        return link.maxPayload() - OVERHEAD;
    }
}
