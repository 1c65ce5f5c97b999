package dev.starling.server;

import dev.starling.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.Objects;
import org.eclipse.jetty.http.MimeTypes;
import org.slf4j.LoggerFactory;

/**
 * The part of a server's start that depends on no configuration, in the order the start needs it: Jackson and
 * the YAML parser (reading the configuration), logging (logback reads its own configuration), the SQLite native
 * library, Jetty's MIME table (its class initialization lists the JDK's locales); ~200 ms of one core together.
 *
 * <p>A command runs it on a second thread as it begins, while its main thread parses the command line and then
 * starts the server. Whatever the main thread reaches first it waits for (the JVM's class initialization lock,
 * the SQLite loader's lock) rather than doing it twice. BENCHMARKS.md, "Idle memory and start-up time".
 */
public final class Preload {
    private Preload() {}

    /** Never throws: a problem here shows again, and is reported, where the start meets it. */
    public static void run() {
        try {
            Objects.requireNonNull(ServerConfig.defaults(Path.of("preload")));
            Objects.requireNonNull(LoggerFactory.getILoggerFactory());
            org.sqlite.SQLiteJDBCLoader.initialize();
            Objects.requireNonNull(MimeTypes.DEFAULTS);
        } catch (Exception | LinkageError e) {
            // See above: the start itself meets and reports it.
        }
    }
}
