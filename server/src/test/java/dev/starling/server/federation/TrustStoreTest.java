package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.starling.server.federation.net.Cidr;
import dev.starling.server.federation.net.OutboundException;
import dev.starling.server.federation.net.OutboundHttp;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS for outbound federation: a server whose certificate comes from a private CA is reached only with a
 * trust store that holds it (the JDK's own trust store refuses it), and the host name is verified.
 */
class TrustStoreTest {
    @TempDir
    static Path dir;
    private static HttpsServer server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", dir.resolve("server.p12").toString(),
                "-storetype", "PKCS12", "-storepass", "serverpass");
        keytool("-exportcert", "-alias", "server", "-keystore", dir.resolve("server.p12").toString(), "-storepass",
                "serverpass", "-file", dir.resolve("server.cer").toString());
        keytool("-importcert", "-noprompt", "-alias", "private-ca", "-file", dir.resolve("server.cer").toString(),
                "-keystore", dir.resolve("trust.p12").toString(), "-storetype", "PKCS12", "-storepass", "trustpass");

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            keys.load(in, "serverpass".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "serverpass".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/ok", exchange -> {
            byte[] body = "{}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
    }

    private static FederationConfig https() {
        return FederationConfig.defaults().withAllowedNetworks(List.of(Cidr.parse("127.0.0.0/8")))
                .withRequestTimeout(Duration.ofSeconds(5));
    }

    private static OutboundHttp.Response get(OutboundHttp http, String host) {
        return http.send("GET", URI.create("https://" + host + ":" + port + "/ok"), Map.of(), null, 1000,
                Duration.ofSeconds(5), false);
    }

    @Test
    void aPrivateCaIsTrustedOnlyThroughTheConfiguredTrustStore() {
        try (OutboundHttp http = new OutboundHttp(https().withTrustStore(dir.resolve("trust.p12"), "trustpass"))) {
            assertThat(get(http, "127.0.0.1").status()).isEqualTo(200);
        }
        try (OutboundHttp jdkDefault = new OutboundHttp(https())) {
            assertThatThrownBy(() -> get(jdkDefault, "127.0.0.1")).isInstanceOf(OutboundException.class)
                    .extracting(e -> ((OutboundException) e).problem())
                    .isEqualTo(OutboundException.Problem.UNREACHABLE);
        }
    }

    @Test
    void theCertificateMustNameTheHost() {
        // A name resolving to the server, whose certificate is for 127.0.0.1 only: refused.
        try (OutboundHttp http = new OutboundHttp(https().withTrustStore(dir.resolve("trust.p12"), "trustpass"),
                name -> new InetAddress[] {OutboundHttpTest.literal("127.0.0.1")})) {
            assertThatThrownBy(() -> get(http, "other.example")).isInstanceOf(OutboundException.class);
        }
    }

    @Test
    void aTrustStoreThatCannotBeReadFailsTheStartAndEverySend() {
        // The client starts on a thread of its own; the failure reaches whoever waits for it.
        try (OutboundHttp http = new OutboundHttp(https().withTrustStore(dir.resolve("missing.p12"), "trustpass"))) {
            assertThatThrownBy(http::awaitStarted).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot start the federation HTTP client");
            assertThatThrownBy(() -> get(http, "127.0.0.1")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot start the federation HTTP client");
        }
    }
}
