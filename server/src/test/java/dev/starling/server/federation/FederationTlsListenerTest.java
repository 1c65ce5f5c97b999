package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.HomeServer;
import dev.starling.server.config.ConfigException;
import dev.starling.server.config.ServerConfig;
import dev.starling.server.federation.net.PemKeyStore;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.TestDatabase;
import dev.starling.server.users.PasswordHasher;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The federation HTTPS listener ({@code federation.tls_*}): configured from PEM files, serving the same routes
 * over TLS with the configured certificate (verified against a private CA and the IP literal), and refusing
 * half or bad settings. Synapse reaching it is {@link SynapseInteropTest}.
 */
class FederationTlsListenerTest {
    @TempDir
    Path dir;

    @Test
    void noListenerByDefaultAndTheKeysReadFromTheFile() {
        assertThat(ServerConfig.parse("", Path.of("/srv")).federation().tls()).isEmpty();
        assertThat(ServerConfig.defaultFile()).contains("tls_certificate: \"\"", "tls_private_key: \"\"",
                "tls_port: 8448");
        FederationConfig federation = ServerConfig.parse("""
                federation:
                  tls_certificate: certs/fullchain.pem
                  tls_private_key: certs/key.pem
                  tls_port: 8449
                """, Path.of("/srv")).federation();
        assertThat(federation.tls()).contains(new FederationConfig.TlsListener(8449,
                Path.of("/srv/certs/fullchain.pem"), Path.of("/srv/certs/key.pem")));
    }

    @Test
    void refusesACertificateWithoutAKeyAndBadPorts() {
        assertThatThrownBy(() -> ServerConfig.parse("federation:\n  tls_certificate: a.pem\n", Path.of(".")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("give both or neither");
        assertThatThrownBy(() -> ServerConfig.parse(
                "federation:\n  tls_certificate: a.pem\n  tls_private_key: k.pem\n  tls_port: 70000\n", Path.of(".")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("federation.tls_port");
    }

    @Test
    void aKeyThatIsNotPkcs8IsRefusedWithTheFix() throws Exception {
        TestCa ca = TestCa.create(dir);
        Path sec1 = dir.resolve("sec1.pem");
        Files.writeString(sec1, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemKeyStore.load(ca.certificate(), sec1)).isInstanceOf(IOException.class)
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThat(PemKeyStore.load(ca.certificate(), ca.privateKey()).isKeyEntry("federation")).isTrue();
    }

    @Test
    void aServerWhoseTrustStoreCannotBeReadDoesNotStartAndFreesItsPort() throws Exception {
        int port = FederatingServer.freePort();
        FederationConfig federation = FederationConfig.loopbackForTests()
                .withTrustStore(dir.resolve("missing-trust.p12"), "secret");
        ServerConfig config = new ServerConfig(ServerName.parse("127.0.0.1:" + port),
                Files.createDirectories(dir.resolve("data-no-trust")), "127.0.0.1", port, "http://127.0.0.1:" + port,
                true, List.of(), new ServerConfig.Database(ServerConfig.Database.Kind.SQLITE, "", "", ""),
                ServerConfig.DEFAULT_MAX_UPLOAD_SIZE, ServerConfig.Metrics.disabled(), federation);
        try (TestDatabase database = Backend.SQLITE.create()) {
            database.handOver();
            assertThatThrownBy(() -> HomeServer.start(config, database.config(),
                    new HomeServer.Tuning(new PasswordHasher.Cost(64, 1, 1), Map.of()),
                    SigningKey.generate(KeyId.ed25519("trust")))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot start the federation HTTP client");
        }
        // The HTTP listener, opened before the client's start was awaited, was closed again.
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void theListenerServesFederationOverTlsWithTheConfiguredCertificate() throws Exception {
        TestCa ca = TestCa.create(dir);
        int port = FederatingServer.freePort();
        int tlsPort = FederatingServer.freePort();
        ServerName name = ServerName.parse("127.0.0.1:" + tlsPort);
        FederationConfig federation = FederationConfig.loopbackForTests().withHttps()
                .withTls(new FederationConfig.TlsListener(tlsPort, ca.certificate(), ca.privateKey()));
        ServerConfig config = new ServerConfig(name, Files.createDirectories(dir.resolve("data")), "127.0.0.1", port,
                "http://127.0.0.1:" + port, true, List.of(), new ServerConfig.Database(
                        ServerConfig.Database.Kind.SQLITE, "", "", ""), ServerConfig.DEFAULT_MAX_UPLOAD_SIZE,
                ServerConfig.Metrics.disabled(), federation);
        try (TestDatabase database = Backend.SQLITE.create()) {
            database.handOver();
            try (HomeServer server = HomeServer.start(config, database.config(),
                    new HomeServer.Tuning(new PasswordHasher.Cost(64, 1, 1), Map.of()),
                    SigningKey.generate(KeyId.ed25519("tls")))) {
                assertThat(server.port()).isEqualTo(port);
                URI keys = URI.create("https://" + name + "/_matrix/key/v2/server");
                HttpResponse<String> answer = trusting(ca).send(HttpRequest.newBuilder(keys).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains("\"server_name\":\"" + name + "\"");
                // The plain listener still serves clients.
                HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/_matrix/client/versions")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(plain.statusCode()).isEqualTo(200);
                // Without the private CA the certificate is not trusted.
                assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(keys).build(),
                        HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
            }
        }
    }

    private static HttpClient trusting(TestCa ca) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ca.trustStore())) {
            trust.load(in, ca.trustStorePassword().toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).build();
    }
}
