package dev.starling.server.federation;

import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.net.OutboundHttp;
import dev.starling.server.federation.net.ResolvedServer;
import dev.starling.server.federation.net.ServerDiscovery;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * The default transport: {@link ServerDiscovery} finds where a server name lives, {@link OutboundHttp} sends
 * the request there (HTTPS, IP blocklist, size and time limits). Federation requests follow no redirects.
 */
public final class HttpsFederationTransport implements FederationTransport {
    private final OutboundHttp http;
    private final ServerDiscovery discovery;

    public HttpsFederationTransport(OutboundHttp http, ServerDiscovery discovery) {
        this.http = http;
        this.discovery = discovery;
    }

    @Override
    public Answer send(ServerName destination, String method, String uri, Map<String, String> headers, byte[] body,
            long maxBytes) {
        ResolvedServer where = discovery.resolve(destination);
        Map<String, String> all = new HashMap<>(headers);
        all.put("Host", where.hostHeader());
        OutboundHttp.Response response = http.send(method, URI.create(http.scheme() + "://" + where.authority() + uri),
                all, body, maxBytes, FederationConfig.DEFAULT_REQUEST_TIMEOUT, false);
        return new Answer(response.status(), response.body());
    }

    @Override
    public void close() {
        http.close();
    }
}
