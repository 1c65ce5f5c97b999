package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.starling.server.federation.net.Cidr;
import dev.starling.server.federation.net.OutboundException;
import dev.starling.server.federation.net.OutboundHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbound client over real loopback HTTP: the IP blocklist on the resolved address of every connection
 * and every redirect (SECURITY.md item 21), the size limit and the timeout.
 */
class OutboundHttpTest {
    private HttpServer server;
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/ok", exchange -> reply(exchange, 200, "{\"ok\":true}".getBytes()));
        server.createContext("/big", exchange -> reply(exchange, 200, new byte[200_000]));
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(exchange, 200, "{}".getBytes());
        });
        server.createContext("/redirect-private", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.2:" + server.getAddress().getPort() + "/ok");
            reply(exchange, 302, new byte[0]);
        });
        server.createContext("/redirect-ok", exchange -> {
            exchange.getResponseHeaders().add("Location", "/ok");
            reply(exchange, 302, new byte[0]);
        });
        server.setExecutor(null);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    private static FederationConfig onlyAllowing(String cidr) {
        return FederationConfig.loopbackForTests().withAllowedNetworks(List.of(Cidr.parse(cidr)))
                .withRequestTimeout(Duration.ofSeconds(1));
    }

    private OutboundHttp.Response get(OutboundHttp http, String path, boolean follow) {
        return http.send("GET", URI.create(base + path), Map.of(), null, 100_000, Duration.ofSeconds(5), follow);
    }

    @Test
    void anAllowListedAddressIsReached() {
        try (OutboundHttp http = new OutboundHttp(onlyAllowing("127.0.0.1/32"))) {
            assertThat(get(http, "/ok", false).status()).isEqualTo(200);
            assertThat(get(http, "/redirect-ok", true).status()).isEqualTo(200);
        }
    }

    @Test
    void loopbackIsRefusedWithoutTheAllowList() {
        FederationConfig strict = FederationConfig.loopbackForTests().withAllowedNetworks(List.of());
        try (OutboundHttp http = new OutboundHttp(strict)) {
            assertThatThrownBy(() -> get(http, "/ok", false)).isInstanceOf(OutboundException.class)
                    .extracting(e -> ((OutboundException) e).problem()).isEqualTo(OutboundException.Problem.BLOCKED);
        }
    }

    @Test
    void aNameResolvingToABlockedAddressIsRefusedAtConnectTime() {
        // The name resolves (through the client's own resolver) to a private address: refused before any connect.
        try (OutboundHttp http = new OutboundHttp(onlyAllowing("127.0.0.1/32"), name -> name.equals("evil.example")
                ? new InetAddress[] {literal("10.0.0.1"), literal("192.168.1.1")} : new InetAddress[0])) {
            assertThatThrownBy(() -> http.send("GET", URI.create("http://evil.example:8448/x"), Map.of(), null, 1000,
                    Duration.ofSeconds(2), false)).isInstanceOf(OutboundException.class)
                    .extracting(e -> ((OutboundException) e).problem()).isEqualTo(OutboundException.Problem.BLOCKED);
        }
    }

    @Test
    void aRedirectToABlockedAddressIsRefused() {
        // 127.0.0.1 is allowed, 127.0.0.2 (loopback too) is not: the redirect target is checked again.
        try (OutboundHttp http = new OutboundHttp(onlyAllowing("127.0.0.1/32"))) {
            assertThatThrownBy(() -> get(http, "/redirect-private", true)).isInstanceOf(OutboundException.class)
                    .extracting(e -> ((OutboundException) e).problem()).isEqualTo(OutboundException.Problem.BLOCKED);
            // Not following redirects: the 302 itself comes back.
            assertThat(get(http, "/redirect-private", false).status()).isEqualTo(302);
        }
    }

    @Test
    void anOversizedAnswerIsRefused() {
        try (OutboundHttp http = new OutboundHttp(onlyAllowing("127.0.0.1/32"))) {
            assertThatThrownBy(() -> get(http, "/big", false)).isInstanceOf(OutboundException.class)
                    .extracting(e -> ((OutboundException) e).problem()).isEqualTo(OutboundException.Problem.TOO_LARGE);
        }
    }

    @Test
    void aSlowAnswerTimesOut() {
        try (OutboundHttp http = new OutboundHttp(onlyAllowing("127.0.0.1/32"))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> get(http, "/slow", false)).isInstanceOf(OutboundException.class)
                    .extracting(e -> ((OutboundException) e).problem()).isEqualTo(OutboundException.Problem.TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2900));
        }
    }

    static InetAddress literal(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
