package dev.starling.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sqlite.SQLiteConfig;

/**
 * Builds the HikariCP pools for each database. Pooled connections start with auto-commit off, except the SQLite
 * writer's (see {@link #sqliteWriter}); {@link Database} turns it off for each transaction.
 */
final class Pools {
    private Pools() {
    }

    /**
     * WAL pages after which a commit checkpoints them into the database file on the writer itself (SQLite's default
     * is 1,000, 4 MB). {@link Checkpointer} does this on its own thread about once a second and has the writer catch
     * up so that the WAL starts over, so this is only a backstop (without the catch-up, {@link
     * #NO_WAL_CATCH_UP_PROPERTY}, the WAL grew to it under sustained load, ~200 MB). 10,000 here (with a checkpoint
     * every 250 ms, no catch-up) kept the WAL under 45 MB but cost the throughput the checkpointer had won (likely
     * because once past it every commit checkpoints; BENCHMARKS.md, "Checkpoints off the writer").
     * Without the checkpointer ({@link #NO_CHECKPOINTER_PROPERTY}) it is
     * {@link #WAL_AUTOCHECKPOINT_PAGES_ALONE}.
     */
    static final int WAL_AUTOCHECKPOINT_PAGES = 50_000;

    /**
     * The writer's automatic checkpoint without {@link Checkpointer}. The pages a stream of small transactions
     * dirties (index leaves, the newest table pages) are mostly the same ones again and again: with a longer WAL
     * each of them is copied to the database file once per checkpoint instead of ten times. Measured with the load
     * generator's closed loop, 2 pairs side by side: 1,488–1,521 sends/s against 1,244–1,350 with 1,000 pages, 0.98
     * against 1.06–1.08 ms of server CPU per message (BENCHMARKS.md, "WAL checkpoints").
     */
    static final int WAL_AUTOCHECKPOINT_PAGES_ALONE = 10_000;

    /**
     * Set to {@code true} to checkpoint on the writer as before {@link Checkpointer} (to measure it): every
     * {@link #WAL_AUTOCHECKPOINT_PAGES_ALONE} pages.
     */
    static final String NO_CHECKPOINTER_PROPERTY = "starling.sqlite.noCheckpointer";

    /**
     * Set to {@code true} to leave out the writer's catch-up checkpoint after the checkpointer's ({@link
     * Checkpointer#writerChore}), as before it (to measure it): the WAL then grows to {@link #WAL_AUTOCHECKPOINT_PAGES}
     * under sustained load.
     */
    static final String NO_WAL_CATCH_UP_PROPERTY = "starling.sqlite.noWalCatchUp";

    /**
     * The size the writer truncates the WAL file to when the WAL starts over ({@code journal_size_limit}), in bytes:
     * SQLite otherwise keeps the file at the largest size it ever had and reuses it from its start. Above the
     * ~16 MiB at which the writer catches up ({@link Checkpointer#CATCH_UP_FRAMES}), so that it is not truncated and
     * grown again at every restart.
     */
    static final int WAL_SIZE_LIMIT_BYTES = 64 << 20;

    /** Whether SQLite checkpoints on {@link Checkpointer}'s thread: with group commit, unless turned off. */
    static boolean checkpointer() {
        return !Boolean.getBoolean(NO_CHECKPOINTER_PROPERTY) && !Boolean.getBoolean(Database.NO_GROUP_COMMIT_PROPERTY);
    }

    /**
     * The single SQLite writer. WAL lets readers run beside it; {@code synchronous=FULL} makes every commit
     * reach the disk (fsync of the WAL) before {@code commit()} returns, so a commit survives a power loss or
     * an OS crash, not only a killed process as with {@code NORMAL}. "Nothing acknowledged before commit"
     * means nothing acknowledged before it is durable; group commit keeps the fsyncs few. IMMEDIATE
     * transactions take the write lock up front, so a transaction never fails halfway to upgrade its lock.
     * Temporary storage is in memory ({@code temp_store = MEMORY}): {@link GroupCommit} runs every item inside a
     * savepoint, and SQLite keeps the first image of each page an item changes in a sub-journal, which it would
     * otherwise move to a temporary file past 64 KiB and rewrite for every item (about 70 {@code pwrite} calls
     * and 140 KB per message sent under load; BENCHMARKS.md, "Savepoint sub-journals on disk").
     *
     * <p>The idle writer stays in auto-commit mode and {@link Database} turns it off for each transaction:
     * sqlite-jdbc runs {@code BEGIN IMMEDIATE} as soon as auto-commit is off and again right after every
     * commit, so an idle connection without auto-commit would hold the write lock for ever and no other
     * process (the {@code starling admin} tools, a backup) could ever write, whatever the busy timeout.
     */
    static HikariDataSource sqliteWriter(DatabaseConfig.Sqlite config) {
        SQLiteConfig sqlite = sqliteBase(config);
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        sqlite.setTempStore(SQLiteConfig.TempStore.MEMORY);
        sqlite.setJournalSizeLimit(WAL_SIZE_LIMIT_BYTES);
        HikariConfig hikari = base("starling-sqlite-writer", sqliteUrl(config), 1);
        hikari.setAutoCommit(true);
        hikari.setConnectionInitSql("PRAGMA wal_autocheckpoint = "
                + (checkpointer() ? WAL_AUTOCHECKPOINT_PAGES : WAL_AUTOCHECKPOINT_PAGES_ALONE));
        hikari.setDataSourceProperties(sqlite.toProperties());
        keepStatements(hikari, sqlite);
        return new HikariDataSource(hikari);
    }

    /**
     * The {@link Checkpointer}'s own connection: not pooled, opened by its thread; {@code synchronous=FULL} as the
     * writer's, so a checkpoint fsyncs the database file before the WAL can start over.
     */
    static java.sql.Connection sqliteCheckpointConnection(DatabaseConfig.Sqlite config) throws java.sql.SQLException {
        SQLiteConfig sqlite = sqliteBase(config);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        return sqlite.createConnection(sqliteUrl(config));
    }

    /** Read-only SQLite connections ({@code query_only}); open them after the writer has set WAL mode. */
    static HikariDataSource sqliteReaders(DatabaseConfig.Sqlite config) {
        HikariConfig hikari = base("starling-sqlite-reader", sqliteUrl(config), config.readers());
        hikari.setDataSourceProperties(sqliteBase(config).toProperties());
        hikari.setConnectionInitSql("PRAGMA query_only = ON");
        keepStatements(hikari, sqliteBase(config));
        return new HikariDataSource(hikari);
    }

    /** Set to {@code true} to prepare every SQLite statement anew (to measure {@link StatementCache}). */
    static final String NO_STATEMENT_CACHE_PROPERTY = "starling.sqlite.noStatementCache";

    /**
     * SQLite connections from a data source that keeps their prepared statements ({@link StatementCache}), with
     * the same URL and settings as the pool's driver would use.
     */
    private static void keepStatements(HikariConfig hikari, SQLiteConfig sqlite) {
        if (Boolean.getBoolean(NO_STATEMENT_CACHE_PROPERTY)) {
            return;
        }
        org.sqlite.SQLiteDataSource dataSource = new org.sqlite.SQLiteDataSource(sqlite);
        dataSource.setUrl(hikari.getJdbcUrl());
        hikari.setDataSource(StatementCache.wrap(dataSource));
        hikari.setJdbcUrl(null);
    }

    static HikariDataSource postgres(DatabaseConfig.Postgres config) {
        HikariConfig hikari = base("starling-postgres", config.jdbcUrl(), config.poolSize());
        if (!config.user().isEmpty()) {
            hikari.setUsername(config.user());
        }
        if (!config.password().isEmpty()) {
            hikari.setPassword(config.password());
        }
        return new HikariDataSource(hikari);
    }

    private static SQLiteConfig sqliteBase(DatabaseConfig.Sqlite config) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, config.busyTimeout().toMillis()));
        return sqlite;
    }

    private static String sqliteUrl(DatabaseConfig.Sqlite config) {
        Path file = config.file().toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new StorageException("cannot create the database directory " + file.getParent(), e);
        }
        return "jdbc:sqlite:" + file;
    }

    private static HikariConfig base(String name, String url, int size) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setJdbcUrl(url);
        hikari.setMaximumPoolSize(size);
        hikari.setMinimumIdle(1);
        hikari.setAutoCommit(false);
        return hikari;
    }
}
