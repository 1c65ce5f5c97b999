package dev.starling.server.durability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link ServerProcessMain} in a child JVM on this test JVM's class path: started, waited for until it
 * listens, and killed with SIGKILL the way a power cut or the OOM killer stops a server (no shutdown hook,
 * nothing flushed).
 */
final class ServerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the server on {@code dataDir} (and the PostgreSQL database at {@code postgresUrl}, if not null). */
    static ServerProcess start(Path dataDir, String postgresUrl, Path logFile) throws IOException, InterruptedException {
        Path portFile = dataDir.resolve("port");
        Files.createDirectories(dataDir);
        Files.deleteIfExists(portFile);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                ServerProcessMain.class.getName(), dataDir.toString(), portFile.toString()));
        if (postgresUrl != null) {
            command.add(postgresUrl);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(portFile)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server process exited with " + process.exitValue() + ":\n"
                        + Files.readString(logFile, StandardCharsets.UTF_8));
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the server did not start within " + START_TIMEOUT);
            }
            Thread.sleep(20);
        }
        return new ServerProcess(process, Integer.parseInt(Files.readString(portFile).trim()), logFile);
    }

    int port() {
        return port;
    }

    Path log() {
        return log;
    }

    /**
     * Kills the process with SIGKILL ({@link Process#destroyForcibly()} on Linux) and returns its exit value:
     * 128 + 9 when it died of the signal.
     */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the server process did not die");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
