package dev.starling.server.federation.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IP network in CIDR notation ({@code 10.0.0.0/8}, {@code fc00::/7}). An IPv4 network never contains an
 * IPv6 address and the other way round, except that IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) are
 * compared as the IPv4 address they carry (see {@link IpBlocklist#canonical}).
 */
public record Cidr(byte[] network, int prefixLength, String text) {
    public Cidr {
        Objects.requireNonNull(network, "network");
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("bad prefix length in " + text);
        }
        network = network.clone();
    }

    /**
     * Parses {@code a.b.c.d/n} or {@code x:y::z/n}; a bare address is a /32 or /128. Only IP literals: a
     * host name is refused without any DNS lookup.
     */
    public static Cidr parse(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        if (address.isEmpty() || !(address.contains(":") || address.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            throw new IllegalArgumentException("not an IP network: " + text);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress(); // an IP literal: no DNS lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP network: " + text);
        }
        int prefix;
        try {
            prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an IP network: " + text);
        }
        return new Cidr(bytes, prefix, trimmed);
    }

    /** True when {@code address} (already {@link IpBlocklist#canonical canonical}) lies in this network. */
    public boolean contains(InetAddress address) {
        byte[] other = address.getAddress();
        if (other.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (other[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (other[full] & mask) == (network[full] & mask);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
