package dev.starling.server.federation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.federation.auth.RequestSigning;
import dev.starling.server.federation.auth.XMatrixHeader;
import dev.starling.server.federation.keys.OwnKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test only: a stand-in destination that records the transactions {@code PUT /send/{txnId}} it receives, after
 * checking their X-Matrix header (origin, destination = us, signature with the sender's real key). It serves
 * its own key document, so that it can also make signed requests to a real server ({@link #contact}). While
 * {@link #down} is set it answers 503 to every transaction.
 */
final class RecordingReceiver implements AutoCloseable {
    private final HttpServer http;
    private final ServerName name;
    private final OwnKeys keys;
    private final VerifyKey senderKey;
    final List<ObjectNode> transactions = new CopyOnWriteArrayList<>();
    final List<String> refused = new CopyOnWriteArrayList<>();
    volatile boolean down;
    volatile int attempts;

    RecordingReceiver(VerifyKey senderKey) throws IOException {
        this.senderKey = senderKey;
        this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        this.name = ServerName.parse("127.0.0.1:" + http.getAddress().getPort());
        this.keys = new OwnKeys(name, SigningKey.generate(KeyId.ed25519("rec")), Duration.ofDays(1), Clock.systemUTC());
        http.createContext("/_matrix/key/v2/server", exchange -> answer(exchange, 200, keys.signedDocument()));
        http.createContext("/_matrix/federation/v1/send/", this::send);
        http.start();
    }

    ServerName name() {
        return name;
    }

    private void send(HttpExchange exchange) throws IOException {
        attempts++;
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (down) {
            answer(exchange, 503, CanonicalJson.parseObject("{\"errcode\":\"M_UNKNOWN\",\"error\":\"down\"}"));
            return;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        XMatrixHeader auth = header == null ? null : XMatrixHeader.parse(header).orElse(null);
        ObjectNode content = CanonicalJson.parseObject(body);
        try {
            if (auth == null || auth.destination().isEmpty() || !auth.destination().get().equals(name.value())) {
                throw new IllegalArgumentException("bad X-Matrix header");
            }
            ObjectNode signed = RequestSigning.signedObject(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), auth.origin(), name.value(), content);
            signed.putObject("signatures").putObject(auth.origin()).put(auth.key(), auth.sig());
            JsonSignatures.verify(signed, auth.origin(), senderKey);
        } catch (RuntimeException e) {
            refused.add(e.toString());
            answer(exchange, 401, CanonicalJson.parseObject("{\"errcode\":\"M_UNAUTHORIZED\",\"error\":\"no\"}"));
            return;
        }
        transactions.add(content);
        answer(exchange, 200, CanonicalJson.parseObject("{\"pdus\":{}}"));
    }

    /** Every PDU received so far, in order. */
    List<ObjectNode> pdus() {
        return transactions.stream().flatMap(t -> java.util.stream.StreamSupport.stream(t.path("pdus").spliterator(),
                false)).map(n -> (ObjectNode) n).toList();
    }

    /** Every EDU received so far, in order. */
    List<ObjectNode> edus() {
        return transactions.stream().flatMap(t -> java.util.stream.StreamSupport.stream(t.path("edus").spliterator(),
                false)).map(n -> (ObjectNode) n).toList();
    }

    /** Makes a signed request to the server (any X-Matrix-authenticated one): the server then knows we are up. */
    int contact(ServerName server, String userOnServer) {
        String uri = "/_matrix/federation/v1/query/profile?user_id=" + userOnServer.replace("@", "%40").replace(":", "%3A");
        String authorization = RequestSigning.authorization(keys.signingKey(), name, server, "GET", uri, null);
        try {
            return FederatingServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://" + server + uri))
                    .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void answer(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = CanonicalJson.encode(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
