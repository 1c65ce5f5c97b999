package dev.starling.mesh.discovery;

/**
 * Told about nodes seen on the LAN: once when first seen, again when a node reappears after
 * {@link DiscoveryConfig#peerExpiry()} or changes port or token. Called on the discovery thread: must not
 * block (hand dialling to another thread). The number of calls is rate-limited
 * ({@link DiscoveryConfig#announcementsPerSecond()}), so a beacon flood cannot trigger unbounded dials.
 */
@FunctionalInterface
public interface DiscoveryListener {
    void onPeer(DiscoveredPeer peer);
}
