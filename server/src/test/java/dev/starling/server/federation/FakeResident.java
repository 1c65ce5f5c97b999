package dev.starling.server.federation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.federation.keys.OwnKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A fake resident server on loopback, for what a real Starling would never send: it serves its key document
 * and answers make_join and send_join with whatever the test gives it, counting the send_joins it receives.
 * It checks no request signature.
 */
final class FakeResident implements AutoCloseable {
    private final HttpServer http;
    private final ServerName name;
    private final SigningKey key;
    private final AtomicInteger sendJoins = new AtomicInteger();
    private volatile Function<String, ObjectNode> makeJoin = user -> null;
    private volatile Function<ObjectNode, ObjectNode> sendJoin = event -> null;

    private FakeResident(HttpServer http, ServerName name, SigningKey key) {
        this.http = http;
        this.name = name;
        this.key = key;
    }

    static FakeResident start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ServerName name = ServerName.parse("127.0.0.1:" + http.getAddress().getPort());
            SigningKey key = SigningKey.generate(KeyId.ed25519("fake"));
            FakeResident fake = new FakeResident(http, name, key);
            OwnKeys keys = new OwnKeys(name, key, Duration.ofDays(1), Clock.systemUTC());
            http.createContext("/", exchange -> fake.serve(exchange, keys));
            http.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void serve(HttpExchange exchange, OwnKeys keys) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            ObjectNode answer;
            if (path.equals("/_matrix/key/v2/server")) {
                answer = keys.signedDocument();
            } else if (path.startsWith("/_matrix/federation/v1/make_join/")) {
                String user = URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
                answer = makeJoin.apply(user);
            } else if (path.startsWith("/_matrix/federation/v2/send_join/")) {
                sendJoins.incrementAndGet();
                answer = sendJoin.apply(CanonicalJson.parseObject(body));
            } else {
                answer = null;
            }
            byte[] out = answer == null ? "{\"errcode\":\"M_NOT_FOUND\",\"error\":\"no\"}".getBytes(StandardCharsets.UTF_8)
                    : CanonicalJson.encode(answer);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer == null ? 404 : 200, out.length);
            exchange.getResponseBody().write(out);
        }
    }

    ServerName name() {
        return name;
    }

    SigningKey key() {
        return key;
    }

    int sendJoins() {
        return sendJoins.get();
    }

    void onMakeJoin(Function<String, ObjectNode> handler) {
        this.makeJoin = handler;
    }

    void onSendJoin(Function<ObjectNode, ObjectNode> handler) {
        this.sendJoin = handler;
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
