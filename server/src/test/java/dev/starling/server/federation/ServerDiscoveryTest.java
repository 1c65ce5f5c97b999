package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.net.OutboundHttp;
import dev.starling.server.federation.net.ResolvedServer;
import dev.starling.server.federation.net.ServerDiscovery;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Server-Server API § Resolving server names, with the well-known file served on loopback. */
class ServerDiscoveryTest {
    private HttpServer server;
    private OutboundHttp http;
    private ServerDiscovery discovery;
    private final AtomicInteger hits = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            String host = exchange.getRequestURI().getPath().substring(1).split("/")[0];
            byte[] body;
            switch (host) {
                case "delegated.example" -> body = "{\"m.server\":\"matrix.delegated.example:4443\"}".getBytes();
                case "noport.example" -> body = "{\"m.server\":\"matrix.noport.example\"}".getBytes();
                case "ip.example" -> body = "{\"m.server\":\"10.1.2.3\"}".getBytes();
                case "bad.example" -> body = "{\"m.server\":\"not a name!\"}".getBytes();
                case "huge.example" -> body = ("{\"m.server\":\"x.example\",\"pad\":\"" + "a".repeat(60_000) + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                case "slow.example" -> {
                    try {
                        Thread.sleep(3000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    body = "{\"m.server\":\"x.example:1\"}".getBytes();
                }
                default -> {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                    return;
                }
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        int port = server.getAddress().getPort();
        http = new OutboundHttp(FederationConfig.loopbackForTests().withRequestTimeout(Duration.ofSeconds(1)));
        discovery = new ServerDiscovery(http, Clock.systemUTC(),
                host -> URI.create("http://127.0.0.1:" + port + "/" + host + "/.well-known/matrix/server"));
    }

    @AfterEach
    void stop() {
        http.close();
        server.stop(0);
    }

    private ResolvedServer resolve(String name) {
        return discovery.resolve(ServerName.parse(name));
    }

    @Test
    void ipLiteralsAndExplicitPortsNeedNoLookup() {
        assertThat(resolve("1.2.3.4")).isEqualTo(new ResolvedServer("1.2.3.4", 8448, "1.2.3.4"));
        assertThat(resolve("1.2.3.4:8008")).isEqualTo(new ResolvedServer("1.2.3.4", 8008, "1.2.3.4:8008"));
        assertThat(resolve("[::1]:8008")).isEqualTo(new ResolvedServer("::1", 8008, "[::1]:8008"));
        assertThat(resolve("[2001:db8::1]")).isEqualTo(new ResolvedServer("2001:db8::1", 8448, "[2001:db8::1]"));
        assertThat(resolve("matrix.example:9999")).isEqualTo(new ResolvedServer("matrix.example", 9999,
                "matrix.example:9999"));
        assertThat(hits.get()).isZero();
    }

    @Test
    void wellKnownDelegates() {
        assertThat(resolve("delegated.example")).isEqualTo(new ResolvedServer("matrix.delegated.example", 4443,
                "matrix.delegated.example:4443"));
        assertThat(resolve("noport.example")).isEqualTo(new ResolvedServer("matrix.noport.example", 8448,
                "matrix.noport.example"));
        assertThat(resolve("ip.example")).isEqualTo(new ResolvedServer("10.1.2.3", 8448, "10.1.2.3"));
    }

    @Test
    void wellKnownAnswersAreCached() {
        resolve("delegated.example");
        resolve("delegated.example");
        assertThat(hits.get()).isEqualTo(1);
        resolve("missing.example");
        resolve("missing.example");
        assertThat(hits.get()).isEqualTo(2); // a failure is cached too
    }

    @Test
    void aMissingInvalidOversizedOrSlowWellKnownFallsBackToPort8448() {
        assertThat(resolve("missing.example")).isEqualTo(new ResolvedServer("missing.example", 8448, "missing.example"));
        assertThat(resolve("bad.example")).isEqualTo(new ResolvedServer("bad.example", 8448, "bad.example"));
        assertThat(resolve("huge.example")).isEqualTo(new ResolvedServer("huge.example", 8448, "huge.example"));
        long start = System.nanoTime();
        assertThat(resolve("slow.example")).isEqualTo(new ResolvedServer("slow.example", 8448, "slow.example"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2900));
    }
}
