package dev.starling.server.federation.mesh;

import dev.starling.mesh.exchange.ExchangeException;
import dev.starling.mesh.exchange.MeshExchange;
import dev.starling.mesh.exchange.MeshRequest;
import dev.starling.mesh.exchange.MeshResponse;
import dev.starling.mesh.identity.InvalidNodeIdException;
import dev.starling.mesh.identity.NodeId;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.FederationTransport;
import dev.starling.server.federation.net.OutboundException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Federation to mesh nodes over the mesh: a destination whose server name is a node name goes through the
 * {@link MeshExchange} (signed exactly as over HTTPS — the {@code Authorization} header is carried), any other
 * destination through {@code internet} (HTTPS, when a node also has the internet).
 */
public final class MeshFederationTransport implements FederationTransport {
    private final MeshExchange exchange;
    private final FederationTransport internet;
    private final Duration timeout;

    public MeshFederationTransport(MeshExchange exchange, FederationTransport internet, Duration timeout) {
        this.exchange = exchange;
        this.internet = internet;
        this.timeout = timeout;
    }

    @Override
    public Answer send(ServerName destination, String method, String uri, Map<String, String> headers, byte[] body,
            long maxBytes) {
        Optional<NodeId> node = nodeOf(destination);
        if (node.isEmpty()) {
            return internet.send(destination, method, uri, headers, body, maxBytes);
        }
        MeshRequest request;
        try {
            request = new MeshRequest(method, uri, headers, body);
        } catch (IllegalArgumentException e) {
            throw new OutboundException(OutboundException.Problem.BAD_RESPONSE, "request not sendable: " + e.getMessage());
        }
        try {
            MeshResponse response = exchange.request(node.get(), request, timeout, maxBytes);
            return new Answer(response.status(), response.body());
        } catch (ExchangeException e) {
            OutboundException.Problem problem = e.getMessage().contains("no answer")
                    ? OutboundException.Problem.TIMEOUT
                    : e.getMessage().contains("over the limit") ? OutboundException.Problem.TOO_LARGE
                    : OutboundException.Problem.UNREACHABLE;
            throw new OutboundException(problem, "mesh: " + e.getMessage(), e);
        }
    }

    static Optional<NodeId> nodeOf(ServerName name) {
        try {
            return Optional.of(NodeId.fromServerName(name));
        } catch (InvalidNodeIdException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        internet.close();
    }
}
