package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.federation.auth.RequestSigning;
import dev.starling.server.federation.auth.XMatrixHeader;
import dev.starling.server.federation.net.OutboundHttp;
import dev.starling.server.http.Access;
import dev.starling.server.http.Authenticator;
import dev.starling.server.http.HttpServerConfig;
import dev.starling.server.http.MatrixHttpServer;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.http.Route;
import dev.starling.server.http.Router;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * X-Matrix request authentication (SECURITY.md item 10) over real HTTP: server A signs requests to server B
 * (B fetches A's key through the real client); each kind of bad request is refused with 401 M_UNAUTHORIZED
 * before the handler runs.
 */
class XMatrixHttpTest {
    private static final String PATH = "/_matrix/federation/v1/test/room%3Aexample?limit=3&x=%2F";

    /** B's listener with federation routes that echo the authenticated origin. */
    private static MatrixHttpServer federationRoutes(FederatingServer b) {
        MatrixHttpServer http = new MatrixHttpServer(HttpServerConfig.ephemeral(), Router.of(List.of(
                Route.get("/_matrix/federation/v1/test/{id}", r -> echo(r.requireOrigin(), null))
                        .access(Access.FEDERATION),
                Route.put("/_matrix/federation/v1/test/{id}", r -> echo(r.requireOrigin(), r.jsonBody()))
                        .access(Access.FEDERATION))), Authenticator.none());
        return http.federationAuthenticator(b.federation().authenticator());
    }

    private static MatrixResponse echo(ServerName origin, ObjectNode body) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode().put("origin", origin.value());
        if (body != null) {
            answer.set("body", body);
        }
        return MatrixResponse.ok(answer);
    }

    private record Reply(int status, ObjectNode json) {
        String errcode() {
            return json.path("errcode").asText(null);
        }
    }

    private static Reply send(int port, String method, String body, String... authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + PATH))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (String value : authorization) {
            request.header("Authorization", value);
        }
        HttpResponse<byte[]> response = FederatingServer.HTTP.send(request.build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(response.statusCode(), CanonicalJson.parseObject(response.body()));
    }

    private static String sign(SigningKey key, ServerName origin, ServerName destination, String method, String body) {
        return RequestSigning.authorization(key, origin, destination, method, PATH,
                body == null ? null : CanonicalJson.parseObject(body));
    }

    @OnEveryDatabase
    void acceptsCorrectlySignedRequestsAndRefusesEveryForgery(Backend backend) throws Exception {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend);
                MatrixHttpServer http = federationRoutes(b)) {
            int port = http.start();
            ServerName bName = b.name();
            String body = "{\"pdus\":[],\"n\":1}";

            Reply get = send(port, "GET", null, sign(a.key(), a.name(), bName, "GET", null));
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.json().get("origin").asText()).isEqualTo(a.name().value());
            Reply put = send(port, "PUT", body, sign(a.key(), a.name(), bName, "PUT", body));
            assertThat(put.status()).isEqualTo(200);
            assertThat(put.json().path("body").path("n").asInt()).isEqualTo(1);

            // Missing header, or only a bearer token.
            assertRefused(send(port, "GET", null));
            assertRefused(send(port, "GET", null, "Bearer syt_token"));
            // Malformed header.
            assertRefused(send(port, "GET", null, "X-Matrix origin=\"" + a.name() + "\",key=\"ed25519:x\""));
            assertRefused(send(port, "GET", null, "X-Matrix origin=\"unterminated"));
            // Forged signature: a key A never had, under A's key ID.
            SigningKey forger = SigningKey.generate(a.key().keyId());
            assertRefused(send(port, "GET", null, sign(forger, a.name(), bName, "GET", null)));
            // Unknown key ID of A.
            assertRefused(send(port, "GET", null, sign(SigningKey.generate(KeyId.ed25519("unknown")), a.name(), bName,
                    "GET", null)));
            // Wrong destination (a request for A's peer C replayed to B), and no destination at all.
            assertRefused(send(port, "GET", null, sign(a.key(), a.name(), ServerName.parse("c.example"), "GET", null)));
            XMatrixHeader signed = XMatrixHeader.parse(sign(a.key(), a.name(), bName, "GET", null)).orElseThrow();
            assertRefused(send(port, "GET", null, new XMatrixHeader(signed.origin(), Optional.empty(), signed.key(),
                    signed.sig()).format()));
            // Tampered body, method, or claimed origin.
            assertRefused(send(port, "PUT", "{\"pdus\":[],\"n\":2}", sign(a.key(), a.name(), bName, "PUT", body)));
            assertRefused(send(port, "PUT", body, sign(a.key(), a.name(), bName, "POST", body)));
            assertRefused(send(port, "GET", null, sign(a.key(), b.name(), bName, "GET", null)));
            // An origin whose keys cannot be fetched.
            assertRefused(send(port, "GET", null, sign(a.key(), ServerName.parse("127.0.0.1:1"), bName, "GET", null)));
            // Two headers where one is forged: refused.
            assertRefused(send(port, "GET", null, sign(a.key(), a.name(), bName, "GET", null),
                    sign(forger, a.name(), bName, "GET", null)));
        }
    }

    @OnEveryDatabase
    void theOutboundClientsSignaturesAreAccepted(Backend backend) throws Exception {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend);
                MatrixHttpServer http = federationRoutes(b)) {
            int port = http.start();
            // A's own signing, through a transport that carries B's requests to the test listener.
            OutboundHttp outbound = new OutboundHttp(FederationConfig.loopbackForTests());
            FederationTransport toListener = new FederationTransport() {
                @Override
                public Answer send(ServerName destination, String method, String uri, java.util.Map<String, String> headers,
                        byte[] body, long maxBytes) {
                    OutboundHttp.Response r = outbound.send(method, URI.create("http://127.0.0.1:" + port + uri), headers,
                            body, maxBytes, java.time.Duration.ofSeconds(5), false);
                    return new Answer(r.status(), r.body());
                }

                @Override
                public void close() {
                    outbound.close();
                }
            };
            try (toListener) {
                FederationClient client = new FederationClient(a.federation().ownKeys(), toListener, 1_000_000);
                assertThat(client.get(b.name(), PATH).get("origin").asText()).isEqualTo(a.name().value());
                ObjectNode body = CanonicalJson.parseObject("{\"edus\":[{\"edu_type\":\"m.typing\"}]}");
                assertThat(client.request(b.name(), "PUT", PATH, body).get("body")).isEqualTo(body);
                // Signed for another destination: B refuses, and the client reports B's errcode.
                assertThatThrownBy(() -> client.get(ServerName.parse("c.example"), PATH))
                        .isInstanceOfSatisfying(FederationClient.RemoteError.class, e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.errcode()).isEqualTo("M_UNAUTHORIZED");
                        });
            }
        }
    }

    private static void assertRefused(Reply reply) {
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.errcode()).isEqualTo("M_UNAUTHORIZED");
    }

    @Test
    void parsesHeadersAsRfc9110AuthParams() {
        XMatrixHeader h = XMatrixHeader.parse("x-matrix Origin=a.example, DESTINATION=\"b.example\",key=\"ed25519:1\","
                + "sig=\"AB\\\"C\"").orElseThrow();
        assertThat(h).isEqualTo(new XMatrixHeader("a.example", Optional.of("b.example"), "ed25519:1", "AB\"C"));
        assertThat(XMatrixHeader.parse(h.format())).contains(h);
        assertThat(XMatrixHeader.parse("X-Matrix origin=a,origin=b,key=k,sig=s")).isEmpty();
        assertThat(XMatrixHeader.parse("X-Matrix origin=a,key=k")).isEmpty();
        assertThat(XMatrixHeader.parse("X-Matrixorigin=a,key=k,sig=s")).isEmpty();
        assertThat(XMatrixHeader.parse("Bearer abc")).isEmpty();
    }
}
