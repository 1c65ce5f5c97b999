package dev.starling.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A homeserver in a child process, so that its memory and CPU can be read from {@code /proc/<pid>} apart
 * from the load generator's own: either {@link LoadServer} on this jar's class path, or the real
 * {@code starling server} through the launcher (for start-up time and idle memory).
 */
final class ServerProcess implements AutoCloseable {
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final Process process;
    private final String baseUrl;
    private final Duration startToReady;
    private final Path log;

    private ServerProcess(Process process, String baseUrl, Duration startToReady, Path log) {
        this.log = log;
        this.process = process;
        this.baseUrl = baseUrl;
        this.startToReady = startToReady;
    }

    /** {@link LoadServer} on {@code dataDir}; ready when its port file appears and /versions answers. */
    static ServerProcess loadServer(Path dataDir, List<String> jvmOptions, String postgresUrl) throws IOException, InterruptedException {
        Path portFile = dataDir.resolve("port");
        List<String> args = new ArrayList<>(List.of(dataDir.toString(), portFile.toString()));
        if (postgresUrl != null) {
            args.add(postgresUrl);
        }
        return child(LoadServer.class, args, dataDir, jvmOptions);
    }

    /**
     * {@link FedServer} named {@code 127.0.0.1:<port>} on {@code dataDir} (a restart on the same directory and
     * port is the same server); its output is appended to {@code server.log} there.
     */
    static ServerProcess fedServer(Path dataDir, int port, List<String> jvmOptions, String postgresUrl)
            throws IOException, InterruptedException {
        Path portFile = dataDir.resolve("port");
        List<String> args = new ArrayList<>(List.of(dataDir.toString(), Integer.toString(port), portFile.toString()));
        if (postgresUrl != null) {
            args.add(postgresUrl);
        }
        return child(FedServer.class, args, dataDir, jvmOptions);
    }

    private static ServerProcess child(Class<?> main, List<String> args, Path dataDir, List<String> jvmOptions)
            throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        Path portFile = dataDir.resolve("port");
        Files.deleteIfExists(portFile);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        long start = System.nanoTime();
        Path log = dataDir.resolve("server.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        while (!Files.exists(portFile)) {
            checkAlive(p, log);
            Thread.sleep(5);
        }
        String base = "http://127.0.0.1:" + Files.readString(portFile).trim();
        awaitVersions(p, base, log);
        return new ServerProcess(p, base, Duration.ofNanos(System.nanoTime() - start), log);
    }

    /**
     * The real {@code starling server} started with the launcher on a fresh config in {@code dir}, timed from
     * the launch to the first 200 from /versions. The launcher ends in {@code exec java}, so the child is the
     * server's JVM.
     */
    static ServerProcess launcher(Path launcher, Path dir, int port) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path config = dir.resolve("starling.yaml");
        if (!Files.exists(config)) {
            Files.writeString(config, "server_name: localhost\ndata_dir: ./data\nhttp:\n  port: " + port + "\n");
        }
        long start = System.nanoTime();
        Process p = new ProcessBuilder(launcher.toString(), "server", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        String base = "http://127.0.0.1:" + port;
        awaitVersions(p, base, dir.resolve("server.log"));
        return new ServerProcess(p, base, Duration.ofNanos(System.nanoTime() - start), dir.resolve("server.log"));
    }

    private static void awaitVersions(Process p, String base, Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest versions = HttpRequest.newBuilder(URI.create(base + "/_matrix/client/versions"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            checkAlive(p, log);
            try {
                if (http.send(versions, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("the server did not answer /versions within 120 s; see " + log);
            }
            Thread.sleep(5);
        }
    }

    private static void checkAlive(Process p, Path log) throws IOException {
        if (!p.isAlive()) {
            throw new IllegalStateException("the server exited with " + p.exitValue() + ":\n" + Files.readString(log));
        }
    }

    String baseUrl() {
        return baseUrl;
    }

    /** The file the server's output goes to. */
    Path log() {
        return log;
    }

    Duration startToReady() {
        return startToReady;
    }

    long pid() {
        return process.pid();
    }

    /** The resident set size in KiB ({@code VmRSS} of /proc/pid/status). */
    long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid());
    }

    /** CPU time used so far, user plus system ({@code utime + stime} of /proc/pid/stat). */
    Duration cpuTime() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        // Fields after the command name (which may hold spaces) start after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
    }

    /** Stops the server with SIGTERM (a clean shutdown), then SIGKILL if it does not stop. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
