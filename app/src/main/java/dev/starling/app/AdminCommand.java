package dev.starling.app;

import dev.starling.server.HomeServer;
import dev.starling.server.config.ConfigException;
import dev.starling.server.config.ServerConfig;
import dev.starling.server.storage.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code starling admin ...}: operator tools that work on the configured database directly, with the same
 * {@code starling.yaml} as {@code starling server}. They may run while the server runs: on SQLite the
 * database is in WAL mode, so this process writes beside the server (waiting briefly for the write lock);
 * on PostgreSQL it is one more client.
 */
@Command(name = "admin", mixinStandardHelpOptions = true, versionProvider = StarlingVersion.class,
        description = {"Operator tools on the configured database (users, registration tokens).",
        "Safe while `starling server` runs: SQLite is in WAL mode, so both processes can use the file."},
        subcommands = {AdminUserCommand.class, AdminTokenCommand.class})
final class AdminCommand {

    /** The {@code --config} option every admin command takes. */
    static final class ConfigOption {
        @Option(names = "--config", paramLabel = "FILE", defaultValue = "starling.yaml",
                description = "The server's configuration file (default: ${DEFAULT-VALUE}); it must exist.")
        Path file;
    }

    /** Thrown for a problem that the command reports on stderr and exits with {@code exitCode}. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        Failure(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    private AdminCommand() {}

    /** Reads the configuration (never creating it: an admin tool on a missing file is a mistake). */
    static ServerConfig loadConfig(Path file) throws Failure {
        if (!Files.isRegularFile(file)) {
            throw new Failure(2, file + ": no such configuration file (run `starling server` once to create it)");
        }
        try {
            return ServerConfig.parse(Files.readString(file, StandardCharsets.UTF_8),
                    file.toAbsolutePath().getParent());
        } catch (ConfigException e) {
            throw new Failure(2, file + ": " + e.getMessage());
        } catch (IOException e) {
            throw new Failure(2, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * Runs {@code work} on the configured database and returns its exit code; prints failures on stderr as
     * {@code starling admin <command>: <message>}.
     */
    static int run(CommandSpec spec, Path configFile, Function<Context, Integer> work) {
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.qualifiedName(" ");
        try {
            ServerConfig config = loadConfig(configFile);
            try (Database database = Database.open(HomeServer.databaseConfig(config))) {
                return work.apply(new Context(config, database, spec.commandLine().getOut()));
            }
        } catch (Failure e) {
            err.println(name + ": " + e.getMessage());
            err.flush();
            return e.exitCode;
        } catch (UncheckedFailure e) {
            err.println(name + ": " + e.getCause().getMessage());
            err.flush();
            return ((Failure) e.getCause()).exitCode;
        } catch (RuntimeException e) {
            err.println(name + ": " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    /** What a command works with. */
    record Context(ServerConfig config, Database database, PrintWriter out) {}

    /** Carries a {@link Failure} out of a {@link Function}. */
    static final class UncheckedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedFailure(Failure failure) {
            super(failure);
        }
    }

    static UncheckedFailure fail(int exitCode, String message) {
        return new UncheckedFailure(new Failure(exitCode, message));
    }
}
