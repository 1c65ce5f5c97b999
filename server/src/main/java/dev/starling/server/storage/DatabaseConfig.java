package dev.starling.server.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Which database to use and how to reach it: {@link Sqlite} (the default: one file in the data directory)
 * or {@link Postgres}. Every field has a documented default through the static factories.
 */
public sealed interface DatabaseConfig {

    /** The default file name of the SQLite database inside the data directory. */
    String SQLITE_FILE_NAME = "starling.db";

    /** SQLite in {@code dataDir/starling.db} with the defaults of {@link Sqlite}. */
    static Sqlite sqlite(Path dataDir) {
        return new Sqlite(dataDir.resolve(SQLITE_FILE_NAME), Sqlite.DEFAULT_READERS, Sqlite.DEFAULT_BUSY_TIMEOUT);
    }

    /** PostgreSQL at {@code jdbcUrl} with the defaults of {@link Postgres}. */
    static Postgres postgres(String jdbcUrl, String user, String password) {
        return new Postgres(jdbcUrl, user, password, Postgres.DEFAULT_POOL_SIZE);
    }

    /**
     * An SQLite database file. One connection writes (SQLite allows a single writer; queueing writers in
     * the pool is cheaper than letting them collide on the file lock) and {@code readers} connections read
     * concurrently thanks to WAL mode.
     *
     * @param file        the database file; its directory is created if missing
     * @param readers     size of the read-only pool; default {@value #DEFAULT_READERS}
     * @param busyTimeout how long a connection waits for a lock held by another process (a backup tool, the
     *                    {@code sqlite3} shell) before failing; default 5 s
     */
    record Sqlite(Path file, int readers, Duration busyTimeout) implements DatabaseConfig {
        public static final int DEFAULT_READERS = 4;
        public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

        public Sqlite {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(busyTimeout, "busyTimeout");
            if (readers < 1) {
                throw new IllegalArgumentException("readers must be at least 1, got " + readers);
            }
            if (busyTimeout.isNegative()) {
                throw new IllegalArgumentException("busyTimeout must not be negative");
            }
        }
    }

    /**
     * A PostgreSQL database.
     *
     * @param jdbcUrl  e.g. {@code jdbc:postgresql://127.0.0.1:5432/starling}
     * @param user     the role; empty to take it from the URL ({@code ?user=})
     * @param password the password; empty for none or to take it from the URL. Never shown by
     *                 {@link #toString()}.
     * @param poolSize connections in the pool; default {@value #DEFAULT_POOL_SIZE}
     */
    record Postgres(String jdbcUrl, String user, String password, int poolSize) implements DatabaseConfig {
        public static final int DEFAULT_POOL_SIZE = 10;

        public Postgres {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db)");
            }
            if (poolSize < 1) {
                throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
            }
        }

        /** Shows the URL without its query (which may hold a password) and never the password. */
        @Override
        public String toString() {
            int query = jdbcUrl.indexOf('?');
            String url = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query) + "?…";
            return "Postgres[jdbcUrl=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
                    + ", poolSize=" + poolSize + "]";
        }
    }
}
