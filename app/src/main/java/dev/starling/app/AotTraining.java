package dev.starling.app;

import dev.starling.server.HomeServer;
import dev.starling.server.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run for the JVM's ahead-of-time cache (JDK 25+, JEP 483/514/515): {@code starling server
 * --aot-training}, run by the build (app/pom.xml, profile {@code aot-cache}) with {@code -XX:AOTCacheOutput}.
 * It does what a first start does — a new data directory (migrations, signing key), the HTTP listener — and
 * answers one {@code GET /_matrix/client/versions}, then exits normally, which is when the JVM writes the
 * cache. The launcher maps that cache on {@code ./starling server} and {@code ./starling node}, so even the
 * first start after a build finds its classes already parsed, verified and linked (all but picocli's, whose
 * Java 5 class files the cache cannot hold linked).
 */
final class AotTraining {
    private AotTraining() {}

    /** Runs the training on a temporary directory, which is removed after; returns the exit code. */
    static int run() throws IOException {
        Path dir = Files.createTempDirectory("starling-aot-training");
        try {
            Path config = dir.resolve("starling.yaml");
            Files.writeString(config, "server_name: localhost\ndata_dir: data\nhttp:\n  port: 0\n");
            ServerConfig serverConfig = ServerConfig.loadOrCreate(config);
            try (HomeServer server = HomeServer.start(serverConfig)) {
                int status = versions(server.port());
                if (status != 200) {
                    throw new IOException("GET /_matrix/client/versions answered " + status);
                }
            }
            return 0;
        } finally {
            deleteTree(dir);
        }
    }

    /** One plain HTTP/1.1 request (no HTTP client library, whose classes the server itself never loads). */
    private static int versions(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /_matrix/client/versions HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            // "HTTP/1.1 200 OK..."
            String[] statusLine = answer.split("\r\n", 2)[0].split(" ");
            return statusLine.length > 1 && statusLine[1].matches("\\d{3}") ? Integer.parseInt(statusLine[1]) : -1;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
