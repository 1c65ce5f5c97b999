package dev.starling.app;

import dev.starling.server.HomeServer;
import dev.starling.server.config.ConfigException;
import dev.starling.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code starling server [--config FILE]}: runs the homeserver until it is stopped (Ctrl-C, SIGTERM). A
 * missing configuration file is created with every key documented and set to its default, so the first run
 * needs no preparation: SQLite in {@code ./data}, listening on 127.0.0.1:8008.
 */
@Command(name = "server", description = "Run the Matrix homeserver (creates starling.yaml with defaults if missing).")
final class ServerCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "starling.yaml",
            description = "The configuration file (default: ${DEFAULT-VALUE}; created if missing).")
    Path config;

    @Option(names = "--aot-training", hidden = true,
            description = "Start on a temporary data directory, answer one request and exit (the build's"
                    + " training run for the JVM's AOT cache; see AotTraining).")
    boolean aotTraining;

    /** Counted down to stop the server: by the JVM's shutdown hook, or by a test. */
    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (aotTraining) {
            return AotTraining.run();
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServerConfig serverConfig;
        try {
            serverConfig = ServerConfig.loadOrCreate(config);
        } catch (ConfigException e) {
            err.println("starling server: " + config + ": " + e.getMessage());
            err.flush();
            return 2;
        } catch (IOException e) {
            err.println("starling server: cannot read or create " + config + ": " + e.getMessage());
            err.flush();
            return 2;
        }
        HomeServer server;
        try {
            server = HomeServer.start(serverConfig);
        } catch (RuntimeException e) {
            err.println("starling server: cannot start: " + e.getMessage());
            err.flush();
            return 1;
        }
        long readyMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        out.println("Starling homeserver " + serverConfig.serverName() + " is listening on http://"
                + serverConfig.bindAddress() + ":" + server.port() + " (ready " + readyMs + " ms after start; config "
                + config.toAbsolutePath() + ", data " + serverConfig.dataDir() + ")");
        server.metricsPort().ifPresent(metricsPort -> out.println("Prometheus metrics on http://"
                + serverConfig.metrics().bindAddress() + ":" + metricsPort + "/metrics"));
        out.flush();
        StartupMemory.release();
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            awaitQuietly(closed);
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stop.await();
        } finally {
            server.close();
            closed.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running and waits only for `closed`, which is counted down.
        }
        return 0;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
