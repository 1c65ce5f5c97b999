package dev.starling.server.federation.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * The one IP blocklist for every outbound request (SECURITY.md item 21): addresses a remote server name must
 * never make us connect to — private, loopback, link-local, multicast, documentation, shared (CGNAT),
 * benchmarking and reserved ranges, IPv4 and IPv6 — with an explicit allow-list that wins over it (tests
 * allow loopback; a P2P mesh allows its link-local network). The list follows Synapse's default
 * {@code ip_range_blacklist}. Checked by {@link BlocklistResolver} on the resolved address of every
 * connection, redirects included. Immutable.
 */
public final class IpBlocklist {
    /** The blocked ranges; see the class comment. */
    public static final List<Cidr> BLOCKED = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
            "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
            "::/128", "::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
            "2002::/16", "3fff::/20", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8")
            .stream().map(Cidr::parse).toList();

    private final List<Cidr> allowed;

    private IpBlocklist(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** The blocklist with nothing allowed: production's default. */
    public static IpBlocklist strict() {
        return new IpBlocklist(List.of());
    }

    /** The blocklist with these networks allowed despite it (e.g. {@code 127.0.0.0/8} in tests). */
    public static IpBlocklist allowing(List<Cidr> allowed) {
        return new IpBlocklist(allowed);
    }

    public List<Cidr> allowed() {
        return allowed;
    }

    /** True when a connection to {@code address} must be refused. */
    public boolean isBlocked(InetAddress address) {
        return blockedBy(address).isPresent();
    }

    /** The blocked range {@code address} falls in (and no allowed one does), or empty if it may be used. */
    public Optional<Cidr> blockedBy(InetAddress address) {
        InetAddress canonical = canonical(address);
        for (Cidr allow : allowed) {
            if (allow.contains(canonical)) {
                return Optional.empty();
            }
        }
        for (Cidr block : BLOCKED) {
            if (block.contains(canonical)) {
                return Optional.of(block);
            }
        }
        return Optional.empty();
    }

    /**
     * The address as the blocklist compares it: an IPv4-mapped ({@code ::ffff:a.b.c.d}) or IPv4-compatible
     * ({@code ::a.b.c.d}) IPv6 address is its IPv4 address, so that {@code ::ffff:127.0.0.1} is loopback.
     */
    static InetAddress canonical(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return address;
            }
        }
        boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        boolean compatible = b[10] == 0 && b[11] == 0 && (b[12] | b[13] | b[14]) != 0;
        if (!mapped && !compatible) {
            return address;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
