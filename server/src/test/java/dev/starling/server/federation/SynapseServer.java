package dev.starling.server.federation;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Synapse (installed by {@code scripts/synapse.sh}) as a child process on loopback, on SQLite: server name
 * {@code 127.0.0.1:<federation port>} with an HTTPS federation listener (the {@link TestCa} certificate) and a
 * plain HTTP client listener; outbound federation to loopback allowed and the test CA trusted
 * ({@code federation_custom_ca_list}); open registration; rate limits out of the way.
 */
final class SynapseServer implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int federationPort;
    private final int clientPort;

    private SynapseServer(Process process, Path dir, int federationPort, int clientPort) {
        this.process = process;
        this.dir = dir;
        this.federationPort = federationPort;
        this.clientPort = clientPort;
    }

    /**
     * The venv's python: {@code STARLING_SYNAPSE_PYTHON}, else the default venv of {@code scripts/synapse.sh};
     * empty when Synapse is not importable there.
     */
    static Optional<Path> python() {
        String configured = System.getenv("STARLING_SYNAPSE_PYTHON");
        String cache = System.getenv("XDG_CACHE_HOME");
        Path python = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(cache != null && !cache.isBlank() ? cache : System.getProperty("user.home") + "/.cache")
                        .resolve("starling/synapse-venv/bin/python");
        if (!Files.isExecutable(python)) {
            return Optional.empty();
        }
        try {
            Process probe = new ProcessBuilder(python.toString(), "-c", "import synapse").redirectErrorStream(true)
                    .start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0 ? Optional.of(python)
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    static SynapseServer start(Path python, Path dir, TestCa ca) throws IOException, InterruptedException {
        int federationPort = FederatingServer.freePort();
        int clientPort = FederatingServer.freePort();
        Path config = dir.resolve("homeserver.yaml");
        Files.writeString(config, String.join("\n", List.of(
                "server_name: \"127.0.0.1:" + federationPort + "\"",
                "pid_file: " + dir.resolve("homeserver.pid"),
                "listeners:",
                "  - port: " + federationPort,
                "    bind_addresses: ['127.0.0.1']",
                "    type: http",
                "    tls: true",
                "    resources: [{names: [federation], compress: false}]",
                "  - port: " + clientPort,
                "    bind_addresses: ['127.0.0.1']",
                "    type: http",
                "    tls: false",
                "    resources: [{names: [client], compress: false}]",
                "tls_certificate_path: " + ca.certificate(),
                "tls_private_key_path: " + ca.privateKey(),
                "federation_custom_ca_list: [" + ca.caCertificate() + "]",
                "federation_verify_certificates: true",
                "ip_range_blacklist: []",
                "federation_ip_range_blacklist: []",
                "ip_range_whitelist: ['127.0.0.0/8']",
                "database: {name: sqlite3, args: {database: " + dir.resolve("homeserver.db") + "}}",
                "media_store_path: " + dir.resolve("media"),
                "signing_key_path: " + dir.resolve("signing.key"),
                "report_stats: false",
                "trusted_key_servers: []",
                "suppress_key_server_warning: true",
                "enable_registration: true",
                "enable_registration_without_verification: true",
                "macaroon_secret_key: interop-macaroon",
                "form_secret: interop-form",
                "presence: {enabled: false}",
                "rc_message: {per_second: 1000, burst_count: 1000}",
                "rc_registration: {per_second: 1000, burst_count: 1000}",
                "rc_login: {address: {per_second: 1000, burst_count: 1000}, account: {per_second: 1000, "
                        + "burst_count: 1000}}",
                "rc_joins: {local: {per_second: 1000, burst_count: 1000}, remote: {per_second: 1000, "
                        + "burst_count: 1000}}",
                "rc_invites: {per_room: {per_second: 1000, burst_count: 1000}, per_user: {per_second: 1000, "
                        + "burst_count: 1000}, per_issuer: {per_second: 1000, burst_count: 1000}}",
                "rc_federation: {window_size: 1000, sleep_limit: 1000, sleep_delay: 1, reject_limit: 1000, "
                        + "concurrent: 100}",
                "")));
        Path log = dir.resolve("synapse.log");
        run(python, dir, log, "-m", "synapse.app.homeserver", "-c", config.toString(), "--generate-keys");
        Process process = new ProcessBuilder(python.toString(), "-m", "synapse.app.homeserver", "-c", config.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        log.toFile())).start();
        SynapseServer synapse = new SynapseServer(process, dir, federationPort, clientPort);
        try {
            synapse.awaitUp();
        } catch (IOException | RuntimeException e) {
            synapse.close();
            throw e;
        }
        return synapse;
    }

    private static void run(Path python, Path dir, Path log, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(python.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("synapse " + String.join(" ", args) + " failed; see " + log + ":\n" + tail(log));
        }
    }

    private void awaitUp() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Synapse exited with " + process.exitValue() + ":\n" + tail(dir.resolve(
                        "synapse.log")));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(clientUrl()
                        + "/_matrix/client/versions")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IOException("Synapse did not answer within 120 s:\n" + tail(dir.resolve("synapse.log")));
    }

    /** The last 60 lines of Synapse's log, for failure messages. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    String serverName() {
        return "127.0.0.1:" + federationPort;
    }

    String clientUrl() {
        return "http://127.0.0.1:" + clientPort;
    }

    Path log() {
        return dir.resolve("synapse.log");
    }

    /** Stops Synapse and keeps its log as {@code target/synapse-interop.log} (for a failed run in CI). */
    @Override
    public void close() {
        try {
            Files.copy(log(), Path.of("target", "synapse-interop.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // no log to keep
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
