package dev.starling.server.storage;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's database: connection pools plus the schema, migrated to the latest version when opened.
 * Work runs in transactions as plain blocking JDBC, which is what virtual threads want: a caller blocked on
 * the database parks its virtual thread, not a platform thread.
 *
 * <p>On SQLite one connection writes and a small pool reads (WAL mode, see {@link Pools}); writers queue
 * for the writer connection. On PostgreSQL one pool serves both. Thread-safe.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /**
     * A system property that turns SQLite's group commit off (each transaction commits and fsyncs alone),
     * only to measure what group commit buys; see BENCHMARKS.md.
     */
    public static final String NO_GROUP_COMMIT_PROPERTY = "starling.sqlite.noGroupCommit";

    private final Dialect dialect;
    private final HikariDataSource writer;
    private final HikariDataSource reader;
    /** SQLite only: batches the writer's transactions (one commit, one fsync per batch). */
    private final GroupCommit groupCommit;
    private volatile TransactionListener listener = TransactionListener.NONE;
    /** The streams' last changes, from the position at opening on (sync skips reads with it). */
    private final StreamChanges changes;
    /** SQLite with group commit: copies the WAL into the database file beside the writer; otherwise null. */
    private final Checkpointer checkpointer;
    /** SQLite with group commit: the stream position as of the last commit (see {@link #committedPosition}). */
    private final AtomicLong committed = new AtomicLong(Long.MIN_VALUE);

    private Database(Dialect dialect, HikariDataSource writer, HikariDataSource reader,
            Checkpointer.Connector checkpoints) {
        this.dialect = dialect;
        this.writer = writer;
        this.reader = reader;
        long opened = runOnce(reader, true, StreamPositions::current);
        this.changes = new StreamChanges(opened);
        if (dialect == Dialect.SQLITE && !Boolean.getBoolean(NO_GROUP_COMMIT_PROPERTY)) {
            committed.set(opened);
            this.checkpointer = checkpoints == null ? null : new Checkpointer(checkpoints);
            this.groupCommit = new GroupCommit(writer, position -> {
                committed.accumulateAndGet(position, Math::max);
                if (checkpointer != null) {
                    checkpointer.committed();
                }
            }, checkpointer == null || Boolean.getBoolean(Pools.NO_WAL_CATCH_UP_PROPERTY)
                    ? GroupCommit.Chore.NONE : checkpointer.writerChore());
        } else {
            this.checkpointer = null;
            this.groupCommit = null;
        }
    }

    /**
     * The greatest committed stream position without a read, where it is known: SQLite with group commit, where
     * the one writer reads the position just before each commit and publishes it after the commit and before
     * any caller of that commit returns. So a read transaction begun after this call sees everything up to it,
     * and whoever a committing caller wakes (the /sync notifier) already finds the new position here. Empty on
     * PostgreSQL (many writers) and without group commit: read {@link StreamPositions#current} there. Assumes
     * this process is the only writer of the streams, as {@link StreamChanges} does.
     */
    public OptionalLong committedPosition() {
        return groupCommit == null ? OptionalLong.empty() : OptionalLong.of(committed.get());
    }

    /**
     * Opens the database, creating it (SQLite: the file and its directory) if needed, and applies every
     * pending migration. Fails with {@link StorageException} if the database cannot be reached or a
     * migration fails; nothing is left open then.
     */
    public static Database open(DatabaseConfig config) {
        return switch (config) {
            case DatabaseConfig.Sqlite sqlite -> {
                HikariDataSource writer = start(() -> Pools.sqliteWriter(sqlite));
                try {
                    Migrations.migrate(writer, Dialect.SQLITE);
                    HikariDataSource readers = start(() -> Pools.sqliteReaders(sqlite));
                    log.info("database: SQLite at {}", sqlite.file().toAbsolutePath());
                    yield new Database(Dialect.SQLITE, writer, readers,
                            Pools.checkpointer() ? () -> Pools.sqliteCheckpointConnection(sqlite) : null);
                } catch (RuntimeException e) {
                    writer.close();
                    throw e;
                }
            }
            case DatabaseConfig.Postgres postgres -> {
                HikariDataSource pool = start(() -> Pools.postgres(postgres));
                try {
                    Migrations.migrate(pool, Dialect.POSTGRESQL);
                } catch (RuntimeException e) {
                    pool.close();
                    throw e;
                }
                log.info("database: {}", postgres);
                yield new Database(Dialect.POSTGRESQL, pool, pool, null);
            }
        };
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The streams' last changes since this database was opened ({@link StreamChanges#touch} records them). */
    public StreamChanges changes() {
        return changes;
    }

    /**
     * Runs {@code work} in a read-write transaction and commits it; returns only after the commit, so a
     * caller may acknowledge what it wrote. If {@code work} throws, or the commit fails, the transaction
     * is rolled back: an unchecked exception from {@code work} is rethrown as is (stores use this for their
     * typed errors), an {@link SQLException} becomes a {@link StorageException}.
     *
     * <p>On SQLite, concurrent calls are group-committed ({@link GroupCommit}): each runs in a savepoint of a
     * shared transaction that commits once for all of them; the outcome for each caller is as above. Work
     * must not call {@code commit}/{@code rollback} on the connection nor {@code inTransaction} again.
     */
    public <T> T inTransaction(SqlWork<T> unbound) {
        SqlWork<T> work = changes.bind(unbound);
        if (groupCommit == null) {
            return run(writer, false, work);
        }
        long started = System.nanoTime();
        boolean committed = false;
        try {
            T result = groupCommit.run(work);
            committed = true;
            return result;
        } finally {
            listener.finished(true, committed, System.nanoTime() - started);
        }
    }

    /**
     * Called from the work of {@link #inTransaction} or {@link #submit} where one writer commits in order (SQLite
     * with group commit, as {@link #committedPosition}): queues {@code action} to run on that writer right after
     * the work's transaction commits, in the order the work ran (so in the order of the stream positions it took),
     * before {@link #committedPosition} shows the commit and before the work's caller returns. Not run when the
     * work fails or its transaction does not commit. Returns false, queuing nothing, elsewhere (PostgreSQL, group
     * commit off, outside such work). The action must be quick and must not block; its failure is only logged.
     */
    public boolean afterCommit(Runnable action) {
        return groupCommit != null && groupCommit.afterCommit(action);
    }

    /**
     * A transaction queued by {@link #submit}: {@link #await} returns its result after its commit or throws
     * exactly what {@link #inTransaction} would have thrown.
     */
    public interface Pending<T> {
        /** Waits (uninterruptibly) until the transaction committed or failed. */
        T await();

        /**
         * Whether it is known to have failed. Called from the work of a transaction submitted after it (on
         * the writer), this is exact: a failed earlier transaction is settled before later work runs.
         */
        boolean failed();
    }

    /**
     * As {@link #inTransaction}, but on SQLite with group commit returns as soon as {@code work} is queued:
     * the caller may release its locks and then {@link Pending#await} the commit, so that work queued in one
     * order by callers holding a lock runs (and commits) in that order, several to a batch. Work submitted
     * later sees this work's writes (it runs after it on the one writer, in the same transaction or a later
     * one) unless this one failed, which {@link Pending#failed} tells it. Elsewhere (PostgreSQL, group
     * commit off) the transaction runs and commits before this returns.
     */
    public <T> Pending<T> submit(SqlWork<T> unbound) {
        if (groupCommit == null) {
            try {
                T result = inTransaction(unbound);
                return new Pending<>() {
                    @Override
                    public T await() {
                        return result;
                    }

                    @Override
                    public boolean failed() {
                        return false;
                    }
                };
            } catch (RuntimeException | Error e) {
                return new Pending<>() {
                    @Override
                    public T await() {
                        throw e;
                    }

                    @Override
                    public boolean failed() {
                        return true;
                    }
                };
            }
        }
        long started = System.nanoTime();
        GroupCommit.Item<T> item = groupCommit.submit(changes.bind(unbound));
        return new Pending<>() {
            @Override
            public T await() {
                boolean committed = false;
                try {
                    T result = item.await();
                    committed = true;
                    return result;
                } finally {
                    listener.finished(true, committed, System.nanoTime() - started);
                }
            }

            @Override
            public boolean failed() {
                return item.failed();
            }
        };
    }

    /**
     * Group commit so far (SQLite): {@code commits} transactions committed, holding {@code items}
     * {@link #inTransaction} calls; their ratio is the mean batch.
     */
    public record CommitStats(long commits, long items) {}

    /** SQLite: how many transactions wait for the writer's next batch (tests); PostgreSQL: 0. */
    public int queuedWrites() {
        return groupCommit == null ? 0 : groupCommit.queued();
    }

    /** The catch-up checkpoints the writer ran so that the WAL could start over ({@link Checkpointer}); tests. */
    long walCatchUps() {
        return checkpointer == null ? 0 : checkpointer.catchUps();
    }

    /** SQLite: the group-commit counters; PostgreSQL (no group commit): empty. */
    public Optional<CommitStats> commitStats() {
        return groupCommit == null ? Optional.empty() : Optional.of(groupCommit.stats());
    }

    /**
     * Runs {@code work} in a read-only transaction: every statement in it sees the same committed snapshot.
     * On SQLite it runs on the reader pool, beside the writer. Writes fail.
     */
    public <T> T read(SqlWork<T> work) {
        return run(reader, true, work);
    }

    /** Reports every transaction from now on to {@code newListener} (metrics); replaces the previous one. */
    public void listen(TransactionListener newListener) {
        this.listener = java.util.Objects.requireNonNull(newListener, "newListener");
    }

    /** Closes the pools. Transactions in progress may fail. */
    @Override
    public void close() {
        if (groupCommit != null) {
            groupCommit.close();
        }
        if (checkpointer != null) {
            checkpointer.close();
        }
        if (reader != writer) {
            reader.close();
        }
        writer.close();
    }

    private <T> T run(HikariDataSource pool, boolean readOnly, SqlWork<T> work) {
        long started = System.nanoTime();
        boolean committed = false;
        try {
            T result = runOnce(pool, readOnly, work);
            committed = true;
            return result;
        } finally {
            listener.finished(!readOnly, committed, System.nanoTime() - started);
        }
    }

    private <T> T runOnce(HikariDataSource pool, boolean readOnly, SqlWork<T> work) {
        try (Connection connection = pool.getConnection()) {
            begin(connection, readOnly);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (Throwable t) {
                rollback(connection, t);
                throw t;
            }
        } catch (SQLException e) {
            throw new StorageException("database transaction failed: " + e.getMessage(), e);
        }
    }

    private void begin(Connection connection, boolean readOnly) throws SQLException {
        if (connection.getAutoCommit()) {
            // The SQLite writer idles in auto-commit (see Pools.sqliteWriter); this begins the transaction,
            // and the pool turns auto-commit back on when the connection returns, releasing the lock.
            connection.setAutoCommit(false);
        }
        if (readOnly && dialect == Dialect.POSTGRESQL) {
            // One snapshot for the whole transaction; the pool resets both settings on return.
            connection.setReadOnly(true);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
    }

    /**
     * As {@link #read}, but the connection is taken from the pool, and the transaction begun, only when
     * {@code work} first calls a method of it: work that answers from memory opens no transaction at all. The
     * snapshot is the same as {@link #read}'s: both databases take a read transaction's snapshot at its first
     * statement (SQLite's deferred transactions, PostgreSQL's repeatable read), not when it begins.
     */
    public <T> T readLazily(SqlWork<T> work) {
        long started = System.nanoTime();
        boolean committed = false;
        Connection[] opened = {null};
        Connection lazy = (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) { // toString, equals, hashCode: no connection
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "lazy read connection";
                        };
                    }
                    if (opened[0] == null) {
                        Connection connection = reader.getConnection();
                        try {
                            begin(connection, true);
                        } catch (SQLException | RuntimeException e) {
                            connection.close();
                            throw e;
                        }
                        opened[0] = connection;
                    }
                    try {
                        return method.invoke(opened[0], args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try {
            T result = work.run(lazy);
            if (opened[0] != null) {
                opened[0].commit();
            }
            committed = true;
            return result;
        } catch (SQLException e) {
            throw new StorageException("database transaction failed: " + e.getMessage(), e);
        } finally {
            if (opened[0] != null) {
                try (Connection connection = opened[0]) {
                    if (!committed) {
                        connection.rollback();
                    }
                } catch (SQLException e) {
                    log.warn("database read transaction did not end cleanly: {}", e.getMessage());
                }
            }
            listener.finished(false, committed, System.nanoTime() - started);
        }
    }

    private static void rollback(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static HikariDataSource start(Supplier<HikariDataSource> pool) {
        try {
            return pool.get();
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            // HikariCP's PoolInitializationException: the database cannot be reached or opened.
            throw new StorageException("cannot open the database: " + e.getMessage(), e);
        }
    }
}
