package dev.starling.server.storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema to the latest version with Flyway, but only when there is something to do. Loading and
 * configuring Flyway (a classpath scan and ~400 classes) costs about half a second of a cold start, which is
 * most of the start-up budget (DESIGN: ready in under two seconds). So the start first compares Flyway's
 * history table with the migration files on the class path: when every file is applied, successfully and
 * with the checksum Flyway computes for it, and nothing else is in the history, the schema is current and
 * Flyway is not loaded. Any other case (a new database, a pending or failed migration, an edited file, a
 * repeatable migration) goes to Flyway, which migrates or reports the problem as before.
 */
final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);
    private static final Pattern VERSIONED = Pattern.compile("V([0-9][0-9_.]*)__[^/]*\\.sql");

    private Migrations() {}

    static void migrate(DataSource dataSource, Dialect dialect) {
        if (isCurrent(dataSource, dialect)) {
            log.debug("database: schema is current, Flyway not needed");
            return;
        }
        try {
            var result = Flyway.configure()
                    .dataSource(dataSource)
                    .locations(dialect.migrationLocation())
                    .failOnMissingLocations(true)
                    .validateMigrationNaming(true)
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                log.info("database: applied {} migration(s), schema now at version {}",
                        result.migrationsExecuted, result.targetSchemaVersion);
            }
        } catch (FlywayException e) {
            throw new StorageException("database migration failed: " + e.getMessage(), e);
        }
    }

    /** True when the history holds exactly the migration files, all applied successfully, unchanged. */
    static boolean isCurrent(DataSource dataSource, Dialect dialect) {
        Map<String, Integer> files;
        try {
            files = migrationFiles(dialect);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            log.debug("database: cannot list the migrations ({}), asking Flyway", e.toString());
            return false;
        }
        if (files.isEmpty()) {
            return false;
        }
        try (Connection c = dataSource.getConnection()) {
            try {
                return files.equals(appliedMigrations(c));
            } finally {
                // The SQLite writer idles in auto-commit (Pools.sqliteWriter): nothing to roll back then.
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            }
        } catch (SQLException e) {
            return false; // no history table yet, or unreadable: Flyway decides
        }
    }

    /** Version → checksum of every successful history row; null (never equal) if a row failed or is repeatable. */
    private static Map<String, Integer> appliedMigrations(Connection c) throws SQLException {
        Map<String, Integer> applied = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT version, checksum, success, type FROM flyway_schema_history WHERE type <> 'SCHEMA'");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                String version = r.getString(1);
                int checksum = r.getInt(2);
                boolean checksumNull = r.wasNull();
                if (version == null || checksumNull || !r.getBoolean(3) || !"SQL".equals(r.getString(4))) {
                    return null;
                }
                applied.put(version, checksum);
            }
        }
        return applied;
    }

    /** Version → Flyway checksum of each versioned migration file of the dialect; a repeatable one: empty map. */
    static Map<String, Integer> migrationFiles(Dialect dialect) throws IOException, URISyntaxException {
        String folder = dialect.migrationLocation().substring("classpath:".length());
        URL url = Migrations.class.getClassLoader().getResource(folder);
        if (url == null) {
            return Map.of();
        }
        Map<String, Integer> files = new HashMap<>();
        switch (url.getProtocol()) {
            case "file" -> {
                try (Stream<Path> paths = Files.list(Path.of(url.toURI()))) {
                    for (Path p : paths.toList()) {
                        if (!add(files, p.getFileName().toString(), Files.newInputStream(p))) {
                            return Map.of();
                        }
                    }
                }
            }
            case "jar" -> {
                JarURLConnection connection = (JarURLConnection) url.openConnection();
                connection.setUseCaches(true);
                JarFile jar = connection.getJarFile();
                String prefix = folder + "/";
                for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
                    JarEntry entry = entries.nextElement();
                    String name = entry.getName();
                    if (name.startsWith(prefix) && !entry.isDirectory()) {
                        String file = name.substring(prefix.length());
                        if (file.contains("/") || !add(files, file, jar.getInputStream(entry))) {
                            return Map.of();
                        }
                    }
                }
            }
            default -> {
                return Map.of();
            }
        }
        return files;
    }

    /** Adds a versioned migration; false for anything Flyway would treat otherwise (repeatable, callbacks...). */
    private static boolean add(Map<String, Integer> files, String name, InputStream in) throws IOException {
        try (in) {
            Matcher m = VERSIONED.matcher(name);
            if (!m.matches()) {
                return false;
            }
            files.put(m.group(1).replace('_', '.'), checksum(in));
            return true;
        }
    }

    /**
     * Flyway's checksum of a migration: CRC-32 over the UTF-8 bytes of each line without its line terminator,
     * a byte-order mark removed (Flyway's {@code ChecksumCalculator}).
     */
    static int checksum(InputStream in) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 4096);
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (!line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
            crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }
}
