package dev.starling.server.federation.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's address resolver for the federation client: resolves a host, drops every address in the
 * {@link IpBlocklist}, and fails with {@link BlockedAddressException} when none is left. Jetty resolves through
 * it for every new connection, so the check applies to the address actually connected to (no second DNS
 * lookup in between) and to every redirect target. Each address keeps the host name, so TLS verifies the
 * certificate against the name (see {@code TrustStoreTest}).
 */
final class BlocklistResolver implements SocketAddressResolver {
    private static final Logger LOG = LoggerFactory.getLogger(BlocklistResolver.class);

    private final IpBlocklist blocklist;
    private final Function<String, InetAddress[]> dns;

    BlocklistResolver(IpBlocklist blocklist) {
        this(blocklist, BlocklistResolver::lookup);
    }

    /** With another name lookup (tests point names at chosen addresses). */
    BlocklistResolver(IpBlocklist blocklist, Function<String, InetAddress[]> dns) {
        this.blocklist = blocklist;
        this.dns = dns;
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        Thread.ofVirtual().name("federation-dns").start(() -> {
            try {
                promise.succeeded(resolve(host, port));
            } catch (Exception e) {
                promise.failed(e);
            }
        });
    }

    /** The permitted addresses of {@code host}. */
    List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException, BlockedAddressException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all = dns.apply(bare);
        if (all == null || all.length == 0) {
            throw new UnknownHostException(host);
        }
        List<InetSocketAddress> permitted = new ArrayList<>();
        for (InetAddress address : all) {
            if (blocklist.isBlocked(address)) {
                LOG.info("outbound address blocked host={} address={}", host, address.getHostAddress());
            } else {
                // Keep the name with the address: Jetty gives TLS the address's host string as peer host, so a
                // bare address would make it verify the certificate against the IP instead of the name.
                permitted.add(new InetSocketAddress(InetAddress.getByAddress(bare, address.getAddress()), port));
            }
        }
        if (permitted.isEmpty()) {
            throw new BlockedAddressException("every address of " + host + " is in the IP blocklist");
        }
        return permitted;
    }

    private static InetAddress[] lookup(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return new InetAddress[0];
        }
    }
}
