package dev.starling.mesh.discovery;

import java.net.InetSocketAddress;

/**
 * A node seen on the LAN: where to dial it (the beacon's source address with the beacon's TCP port; IPv6
 * link-local addresses keep their interface scope). Who it is becomes known only when a link handshake
 * proves its key.
 */
public record DiscoveredPeer(InetSocketAddress linkAddress) {
    public DiscoveredPeer {
        if (linkAddress == null || linkAddress.isUnresolved()) {
            throw new IllegalArgumentException("a discovered peer has a resolved address");
        }
    }
}
