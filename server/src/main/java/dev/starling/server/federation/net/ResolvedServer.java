package dev.starling.server.federation.net;

import java.util.Objects;

/**
 * Where to send requests for a server name (Server-Server API § Resolving server names): the host to connect
 * to (whose name TLS verifies and which goes in the {@code Host} header) and the port.
 *
 * @param host a host name or IP literal (IPv6 without brackets)
 * @param port the port
 * @param hostHeader the {@code Host} header the spec asks for in this case
 */
public record ResolvedServer(String host, int port, String hostHeader) {
    public ResolvedServer {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(hostHeader, "hostHeader");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("bad port " + port);
        }
    }

    /** {@code host:port} as it goes in a URL (IPv6 in brackets). */
    public String authority() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
