package dev.starling.server.storage;

/**
 * A fresh database for one test: {@link #db()} is open and migrated; {@link #reopen()} closes it and opens
 * the same storage again, as a server restart does; {@link #close()} closes it and deletes the storage.
 */
public final class TestDatabase implements AutoCloseable {
    private final Backend backend;
    private final DatabaseConfig config;
    private final Runnable cleanup;
    private Database db;

    TestDatabase(Backend backend, DatabaseConfig config, Runnable cleanup) {
        this.backend = backend;
        this.config = config;
        this.cleanup = cleanup;
        try {
            this.db = Database.open(config);
        } catch (RuntimeException e) {
            cleanup.run();
            throw e;
        }
    }

    public Database db() {
        return db;
    }

    public Backend backend() {
        return backend;
    }

    public DatabaseConfig config() {
        return config;
    }

    /**
     * Closes this fixture's own connections so that another component (a whole homeserver under test) can
     * open the database; the database itself is still removed by {@link #close()}.
     */
    public void handOver() {
        if (db != null) {
            db.close();
            db = null;
        }
    }

    public Database reopen() {
        db.close();
        db = Database.open(config);
        return db;
    }

    @Override
    public void close() {
        try {
            if (db != null) {
                db.close();
            }
        } finally {
            cleanup.run();
        }
    }

    @Override
    public String toString() {
        return backend.name();
    }
}
