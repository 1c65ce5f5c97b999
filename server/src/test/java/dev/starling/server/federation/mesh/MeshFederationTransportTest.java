package dev.starling.server.federation.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.mesh.exchange.MeshExchange;
import dev.starling.mesh.exchange.MeshRequest;
import dev.starling.mesh.exchange.MeshResponse;
import dev.starling.mesh.exchange.MeshSender;
import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.identity.NodeIdentity;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.FederationTransport;
import dev.starling.server.federation.net.OutboundException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The server's side of federation over the mesh: node names go over the exchange (headers and body intact),
 * other names to the internet transport; the serving side hands on only federation requests, and only those
 * whose X-Matrix origin is the node that sent them.
 */
class MeshFederationTransportTest {
    private final NodeId us = NodeIdentity.generate().nodeId();
    private final NodeId them = NodeIdentity.generate().nodeId();
    private final List<String> internet = new CopyOnWriteArrayList<>();

    /** Two exchanges joined in memory; the far one answers with what it was asked. */
    private MeshExchange pair(MeshExchange.Handler far) {
        MeshExchange[] ends = new MeshExchange[2];
        ends[0] = new MeshExchange(sender(() -> ends[1], them, us), MeshExchange.Limits.defaults());
        ends[1] = new MeshExchange(sender(() -> ends[0], us, them), MeshExchange.Limits.defaults());
        ends[1].serve(far);
        return ends[0];
    }

    private static MeshSender sender(java.util.function.Supplier<MeshExchange> to, NodeId reachable, NodeId self) {
        return new MeshSender() {
            @Override
            public void send(NodeId node, byte[] payload) throws IOException {
                if (!node.equals(reachable)) {
                    throw new IOException("no link");
                }
                to.get().onMessage(self, payload);
            }

            @Override
            public int maxPayload() {
                return 65518;
            }
        };
    }

    private FederationTransport https() {
        return new FederationTransport() {
            @Override
            public Answer send(ServerName destination, String method, String uri, Map<String, String> headers,
                    byte[] body, long maxBytes) {
                internet.add(destination + " " + method + " " + uri);
                return new Answer(200, "{}".getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aNodeNameGoesOverTheMeshAndAnyOtherNameOverTheInternet() {
        MeshExchange exchange = pair((from, request) -> new MeshResponse(200, (from.serverName() + " "
                + request.method() + " " + request.uri() + " " + request.headers().get("Authorization") + " "
                + new String(request.body(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        MeshFederationTransport transport = new MeshFederationTransport(exchange, https(), Duration.ofSeconds(5));

        FederationTransport.Answer answer = transport.send(them.serverName(), "PUT",
                "/_matrix/federation/v1/send/7", Map.of("Authorization", "X-Matrix origin=x"),
                "{\"pdus\":[]}".getBytes(StandardCharsets.UTF_8), 1000);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(us.serverName()
                + " PUT /_matrix/federation/v1/send/7 X-Matrix origin=x {\"pdus\":[]}");
        assertThat(internet).isEmpty();

        transport.send(ServerName.parse("matrix.org"), "GET", "/_matrix/key/v2/server", Map.of(), null, 1000);
        assertThat(internet).containsExactly("matrix.org GET /_matrix/key/v2/server");
    }

    @Test
    void anUnreachableNodeIsAnOutboundFailure() {
        MeshExchange exchange = pair((from, request) -> new MeshResponse(200, new byte[0]));
        MeshFederationTransport transport = new MeshFederationTransport(exchange, https(), Duration.ofSeconds(5));
        ServerName stranger = NodeIdentity.generate().nodeId().serverName();
        assertThatThrownBy(() -> transport.send(stranger, "GET", "/_matrix/federation/v1/version", Map.of(), null,
                1000)).isInstanceOfSatisfying(OutboundException.class,
                        e -> assertThat(e.problem()).isEqualTo(OutboundException.Problem.UNREACHABLE));
    }

    @Test
    void anAnswerOverTheLimitIsTooLarge() {
        MeshExchange exchange = pair((from, request) -> new MeshResponse(200, new byte[100_000]));
        MeshFederationTransport transport = new MeshFederationTransport(exchange, https(), Duration.ofSeconds(5));
        assertThatThrownBy(() -> transport.send(them.serverName(), "GET", "/_matrix/federation/v1/version",
                Map.of(), null, 1000)).isInstanceOfSatisfying(OutboundException.class,
                        e -> assertThat(e.problem()).isEqualTo(OutboundException.Problem.TOO_LARGE));
    }

    @Test
    void theServingSideHandsOnOnlyFederationRequestsFromTheirOrigin() {
        // Port 9 on loopback: nothing listens, so a request that got through would answer 502.
        MeshFederationServer server = new MeshFederationServer(URI.create("http://127.0.0.1:9"), Duration.ofSeconds(2));
        MeshResponse clientApi = server.handle(them, new MeshRequest("POST", "/_matrix/client/v3/register",
                Map.of(), "{}".getBytes(StandardCharsets.UTF_8)));
        assertThat(clientApi.status()).isEqualTo(404);
        assertThat(new String(clientApi.body(), StandardCharsets.UTF_8)).contains("M_UNRECOGNIZED");

        String other = NodeIdentity.generate().nodeId().serverName().toString();
        MeshResponse spoofed = server.handle(them, new MeshRequest("GET", "/_matrix/federation/v1/version",
                Map.of("Authorization", "X-Matrix origin=\"" + other + "\",destination=\"" + us.serverName()
                        + "\",key=\"ed25519:mesh\",sig=\"AAAA\""), null));
        assertThat(spoofed.status()).isEqualTo(401);
        assertThat(new String(spoofed.body(), StandardCharsets.UTF_8)).contains("M_UNAUTHORIZED");

        MeshResponse genuine = server.handle(them, new MeshRequest("GET", "/_matrix/federation/v1/version",
                Map.of("Authorization", "X-Matrix origin=\"" + them.serverName() + "\",destination=\""
                        + us.serverName() + "\",key=\"ed25519:mesh\",sig=\"AAAA\""), null));
        assertThat(genuine.status()).isEqualTo(502); // handed on (to nobody here)
    }
}
