package dev.starling.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases every store test runs on (see {@link OnEveryDatabase}). Each {@link #create()} gives a fresh,
 * empty database: SQLite in a temporary directory, PostgreSQL in a new schema of the database named by
 * {@code STARLING_TEST_POSTGRES_URL} (environment) or {@code starling.test.postgres.url} (system property),
 * which {@code ./starling test} sets after starting {@code scripts/postgres.sh}. Without that URL the
 * PostgreSQL runs are skipped with a message, except when {@code CI=true}: there they fail.
 */
public enum Backend {
    SQLITE,
    POSTGRESQL;

    public static final String URL_VARIABLE = "STARLING_TEST_POSTGRES_URL";
    public static final String URL_PROPERTY = "starling.test.postgres.url";

    private static final AtomicBoolean warned = new AtomicBoolean();

    public TestDatabase create() {
        return switch (this) {
            case SQLITE -> {
                Path dir = tempDir();
                yield new TestDatabase(this, DatabaseConfig.sqlite(dir), () -> deleteRecursively(dir));
            }
            case POSTGRESQL -> {
                String url = postgresUrl();
                // Generated here, never from input: a schema name cannot be a statement parameter.
                String schema = "t_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
                execute(url, "CREATE SCHEMA " + schema);
                String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
                yield new TestDatabase(this, DatabaseConfig.postgres(schemaUrl, "", ""),
                        () -> execute(url, "DROP SCHEMA " + schema + " CASCADE"));
            }
        };
    }

    /** The PostgreSQL test URL, or a skip (locally) or failure (CI) explaining how to get one. */
    public static String postgresUrl() {
        String url = System.getProperty(URL_PROPERTY, System.getenv(URL_VARIABLE));
        if (url != null && !url.isBlank()) {
            return url;
        }
        String how = URL_VARIABLE + " is not set: start a test database with `scripts/postgres.sh start` and set "
                + URL_VARIABLE + " to the URL it prints (./starling test does both)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + how);
        }
        if (!warned.getAndSet(true)) {
            System.err.println("WARNING: PostgreSQL runs of the store tests are skipped: " + how);
        }
        Assumptions.abort("PostgreSQL run skipped: " + how);
        throw new AssertionError("unreachable");
    }

    private static void execute(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test database: " + sql + ": " + e.getMessage(), e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("starling-db-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory and everything in it (a test server's data directory, a scratch database). */
    public static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
