package dev.starling.mesh.discovery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * LAN discovery settings with documented defaults ({@link #defaults()}).
 *
 * @param udpPort the UDP port beacons are sent to and received on (default 41843)
 * @param ipv4Group the IPv4 group, organisation-local scope (default 239.255.83.84)
 * @param ipv6Group the IPv6 group, link-local scope (default ff02::5354:524c, "STRL")
 * @param interfaces names of the interfaces to use; empty = every interface that is up, multicast-capable
 *     and not loopback
 * @param interval time between beacons, at most 2 s so that a peer is found within 3 s (default 1 s)
 * @param tokenRotation how long one random beacon token is used (default 10 min)
 * @param peerExpiry a source not heard for this long is forgotten and announced again when it reappears
 *     (default 10 s)
 * @param perSourceBurst beacons accepted from one source address in a burst (default 4)
 * @param perSourcePerSecond sustained beacons per second accepted from one source (default 2)
 * @param totalPerSecond datagrams per second processed from all sources together (default 200)
 * @param maxSources source addresses remembered at once; beyond this new sources are dropped (default 256)
 * @param announcementsPerSecond listener calls per second, burst the same (default 10)
 */
public record DiscoveryConfig(int udpPort, InetAddress ipv4Group, InetAddress ipv6Group, List<String> interfaces,
                              Duration interval, Duration tokenRotation, Duration peerExpiry, int perSourceBurst,
                              double perSourcePerSecond, double totalPerSecond, int maxSources,
                              double announcementsPerSecond) {
    public DiscoveryConfig {
        if (udpPort < 1 || udpPort > 65535) {
            throw new IllegalArgumentException("udpPort out of range");
        }
        if (!ipv4Group.isMulticastAddress() || ipv4Group.getAddress().length != 4) {
            throw new IllegalArgumentException("ipv4Group must be an IPv4 multicast address");
        }
        if (!ipv6Group.isMulticastAddress() || ipv6Group.getAddress().length != 16) {
            throw new IllegalArgumentException("ipv6Group must be an IPv6 multicast address");
        }
        interfaces = List.copyOf(interfaces);
        if (interval.isNegative() || interval.isZero() || interval.compareTo(Duration.ofSeconds(2)) > 0) {
            throw new IllegalArgumentException("interval must be > 0 and at most 2 s");
        }
        if (tokenRotation.compareTo(interval) < 0 || peerExpiry.compareTo(interval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("tokenRotation >= interval and peerExpiry >= 2 intervals");
        }
        if (perSourceBurst < 1 || perSourcePerSecond <= 0 || totalPerSecond <= 0 || maxSources < 1
                || announcementsPerSecond <= 0) {
            throw new IllegalArgumentException("rate limits must be positive");
        }
    }

    public static DiscoveryConfig defaults() {
        try {
            return new DiscoveryConfig(41843, InetAddress.getByName("239.255.83.84"),
                    InetAddress.getByName("ff02::5354:524c"), List.of(), Duration.ofSeconds(1),
                    Duration.ofMinutes(10), Duration.ofSeconds(10), 4, 2, 200, 256, 10);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("literal addresses never need a lookup", e);
        }
    }

    public DiscoveryConfig withPort(int port) {
        return new DiscoveryConfig(port, ipv4Group, ipv6Group, interfaces, interval, tokenRotation, peerExpiry,
                perSourceBurst, perSourcePerSecond, totalPerSecond, maxSources, announcementsPerSecond);
    }

    public DiscoveryConfig withInterfaces(List<String> names) {
        return new DiscoveryConfig(udpPort, ipv4Group, ipv6Group, names, interval, tokenRotation, peerExpiry,
                perSourceBurst, perSourcePerSecond, totalPerSecond, maxSources, announcementsPerSecond);
    }

    public DiscoveryConfig withInterval(Duration every) {
        return new DiscoveryConfig(udpPort, ipv4Group, ipv6Group, interfaces, every, tokenRotation, peerExpiry,
                perSourceBurst, perSourcePerSecond, totalPerSecond, maxSources, announcementsPerSecond);
    }
}
