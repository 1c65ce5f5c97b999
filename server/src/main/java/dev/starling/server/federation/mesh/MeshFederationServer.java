package dev.starling.server.federation.mesh;

import dev.starling.mesh.exchange.MeshExchange;
import dev.starling.mesh.exchange.MeshRequest;
import dev.starling.mesh.exchange.MeshResponse;
import dev.starling.mesh.identity.NodeId;
import dev.starling.server.federation.auth.XMatrixHeader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves federation requests that arrive over the mesh by handing them to this homeserver's own listener on
 * loopback (README, "Federation over the mesh"): the same router, X-Matrix check, size limits and error
 * mapping as a request over HTTPS, with no second dispatch path. Only the Server-Server and key APIs are
 * reachable this way (the Client-Server API stays on the device), and a signed request must come from the
 * node that sent it.
 */
public final class MeshFederationServer implements MeshExchange.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(MeshFederationServer.class);
    /** Headers handed on; everything else (Host, Content-Length, ...) is the local client's to set. */
    private static final java.util.List<String> FORWARDED = java.util.List.of("Authorization", "Content-Type");

    private final URI local;
    private final HttpClient http;
    private final Duration timeout;

    /** @param localBase the homeserver's own listener, e.g. {@code http://127.0.0.1:8009} */
    public MeshFederationServer(URI localBase, Duration timeout) {
        this.local = localBase;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public MeshResponse handle(NodeId from, MeshRequest request) {
        String path = request.uri();
        if (!path.startsWith("/_matrix/federation/") && !path.startsWith("/_matrix/key/")) {
            LOG.info("mesh request refused peer={} problem=not_federation method={}", from.shortName(),
                    request.method());
            return error(404, "M_UNRECOGNIZED", "Only the federation API is served over the mesh");
        }
        Optional<String> authorization = header(request.headers(), "Authorization");
        if (authorization.isPresent()) {
            String sender = from.serverName().toString();
            Optional<XMatrixHeader> parsed = XMatrixHeader.parse(authorization.get());
            if (parsed.isPresent() && !parsed.get().origin().equals(sender)) {
                LOG.info("mesh request refused peer={} problem=origin_not_sender", from.shortName());
                return error(401, "M_UNAUTHORIZED", "The request's origin is not the node that sent it");
            }
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(local + path)).timeout(timeout);
        for (String name : FORWARDED) {
            header(request.headers(), name).ifPresent(value -> builder.header(name, value));
        }
        byte[] body = request.body();
        builder.method(request.method(), body.length == 0 && !request.method().equals("PUT")
                && !request.method().equals("POST") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new MeshResponse(response.statusCode(), response.body());
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("mesh request not served peer={} error={}", from.shortName(), e.toString());
            return error(502, "M_UNKNOWN", "The homeserver did not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(503, "M_UNKNOWN", "Shutting down");
        }
    }

    private static Optional<String> header(Map<String, String> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst();
    }

    private static MeshResponse error(int status, String errcode, String message) {
        String json = "{\"errcode\":\"" + errcode + "\",\"error\":\"" + message + "\"}";
        return new MeshResponse(status, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
