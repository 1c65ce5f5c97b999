package dev.starling.server.storage;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the single SQLite writer: callers queue their work; one writer thread takes everything
 * queued (up to {@link #MAX_BATCH} items), runs the items one after another in one transaction, each inside its
 * own {@code SAVEPOINT}, then commits once, so one fsync covers the whole batch. Every caller returns only
 * after that commit (or with its own failure). While a batch commits, the next one queues up, so batches grow
 * by themselves under load and stay single items when the server is idle; nothing waits for a timer.
 *
 * <p>Outcomes, per item, the same as a transaction of its own:
 * <ul>
 * <li>the item's work throws: its savepoint is rolled back (its writes vanish, the other items' stay) and its
 * caller gets the exception, an unchecked one as is, an {@link SQLException} as a {@link StorageException},
 * when the transaction ends (the item reads as {@link Item#failed} at once);</li>
 * <li>the {@code COMMIT} fails: the batch is rolled back and every caller whose work had succeeded gets a
 * {@link StorageException} (nothing of theirs was stored);</li>
 * <li>a failure that SQLite answers by rolling back the whole transaction (a full disk, an I/O error) is
 * seen when the savepoint cannot be rolled back to: the items before it in the batch fail as a failed commit
 * would, the items after it run in a new transaction.</li>
 * </ul>
 *
 * <p>Visibility is that of one writer running the items in queue order, as before: an item sees the writes of
 * the items before it in its batch, which commit together with it or not at all. Readers (the reader pool)
 * see a batch at once when it commits, so positions taken from {@link StreamPositions} become visible in
 * order. Work must not call {@code commit}, {@code rollback} or {@link Database#inTransaction} itself (the
 * last would wait on its own batch; it fails fast instead). Thread-safe.
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    /** The most items in one transaction: bounds how long the first caller of a batch waits for the last. */
    static final int MAX_BATCH = 256;

    private final HikariDataSource writer;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final ArrayDeque<Item<?>> queue = new ArrayDeque<>();
    private boolean closed;

    /** Writer thread only: the item whose work runs now, for {@link #afterCommit}; null between items. */
    private Item<?> running;

    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong items = new AtomicLong();

    /** Told the stream position as of each commit, before the commit's callers are released. */
    private final LongConsumer committedPosition;
    private final Chore chore;

    /**
     * Work the writer does between two batches, outside any transaction, when it is due: a short checkpoint that
     * lets the WAL start over ({@link Checkpointer#writerChore}). Called on the writer thread only.
     */
    interface Chore {
        Chore NONE = new Chore() {
            @Override
            public boolean due() {
                return false;
            }

            @Override
            public void run(Connection writer) {}
        };

        /** Cheap: asked after every batch. */
        boolean due();

        void run(Connection writer) throws SQLException;
    }

    GroupCommit(HikariDataSource writer, LongConsumer committedPosition) {
        this(writer, committedPosition, Chore.NONE);
    }

    /**
     * @param committedPosition told, after each commit and before any of its callers returns, the stream position
     *     as the committed transaction left it ({@link StreamPositions#current}, read just before the commit)
     * @param chore run between batches when due, in auto-commit mode; its failure is logged, no caller sees it
     */
    GroupCommit(HikariDataSource writer, LongConsumer committedPosition, Chore chore) {
        this.writer = writer;
        this.committedPosition = committedPosition;
        this.chore = chore;
        this.thread = Thread.ofPlatform().name("starling-sqlite-writer").daemon(true).unstarted(this::loop);
        thread.start();
    }

    /** Queues {@code work}, waits until its batch has committed, and returns its result or throws its failure. */
    <T> T run(SqlWork<T> work) {
        return submit(work).await();
    }

    /**
     * Queues {@code work} and returns at once; {@link Database.Pending#await} waits for its batch's commit. Work
     * queued later by any caller runs after it, in the same transaction or a later one.
     */
    <T> Item<T> submit(SqlWork<T> work) {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("Database.inTransaction called from inside a transaction's work");
        }
        Item<T> item = new Item<>(work);
        lock.lock();
        try {
            if (closed) {
                throw new StorageException("the database is closed");
            }
            queue.add(item);
            queued.signal();
        } finally {
            lock.unlock();
        }
        return item;
    }

    /**
     * Called from work running on the writer: queues {@code action} to run on the writer right after the
     * transaction holding that work commits, before the position of the commit is published and before any caller
     * of the batch returns. Actions run in the order the work ran, so in the order of the positions it took. An
     * item whose work failed, or whose transaction did not commit, runs none. Returns false, queuing nothing,
     * when not called from work on the writer. An action's failure is logged; it must be quick and not block.
     */
    boolean afterCommit(Runnable action) {
        Item<?> item = Thread.currentThread() == thread ? running : null;
        if (item == null) {
            return false;
        }
        item.afterCommit(action);
        return true;
    }

    /** Transactions committed so far and the work items they held (a batch size of items/commits). */
    Database.CommitStats stats() {
        return new Database.CommitStats(commits.get(), items.get());
    }

    /** How many items wait for the next batch (for tests that build a batch on purpose). */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Runs what is queued, then stops the writer thread. Work queued later fails. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            queued.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        while (true) {
            List<Item<?>> batch = new ArrayList<>();
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    queued.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return;
                }
                while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
                    batch.add(queue.poll());
                }
            } finally {
                lock.unlock();
            }
            runBatch(batch);
            if (chore.due()) {
                runChore();
            }
        }
    }

    private void runChore() {
        try (Connection c = writer.getConnection()) {
            chore.run(c);
        } catch (SQLException | RuntimeException e) {
            log.warn("database writer chore failed: {}", e.getMessage());
        }
    }

    private void runBatch(List<Item<?>> batch) {
        int next = 0;
        while (next < batch.size()) {
            try (Connection c = writer.getConnection()) {
                // The idle writer stays in auto-commit (Pools.sqliteWriter), holding no lock between batches;
                // the pool turns it back on when the connection returns.
                if (c.getAutoCommit()) {
                    c.setAutoCommit(false);
                }
                next = runTransaction(c, batch, next);
            } catch (SQLException | RuntimeException e) {
                // The connection could not be had (or closed): fail what was not yet completed.
                for (int i = next; i < batch.size(); i++) {
                    batch.get(i).fail(new StorageException("database transaction failed: " + e.getMessage(), e));
                }
                return;
            } catch (Throwable t) {
                // Not even an Error may stop the writer thread: every later caller would wait forever.
                log.error("database writer failed items={}", batch.size() - next, t);
                for (int i = next; i < batch.size(); i++) {
                    batch.get(i).fail(t);
                }
                return;
            }
        }
    }

    /**
     * Runs items from {@code from} in one transaction on {@code c} and commits it. Returns the index after the
     * last item this transaction settled (all of them, unless SQLite rolled the transaction back under an item).
     */
    private int runTransaction(Connection c, List<Item<?>> batch, int from) {
        List<Item<?>> done = new ArrayList<>(batch.size() - from);
        // Items whose work threw: failed at once (later work sees it) but settled, like the others, only when
        // the transaction ends, so that no caller returns before the items queued ahead of it are settled.
        List<Item<?>> refused = new ArrayList<>();
        int i = from;
        for (; i < batch.size(); i++) {
            Item<?> item = batch.get(i);
            try {
                execute(c, "SAVEPOINT item");
            } catch (SQLException e) {
                failAll(done, c, e);
                item.fail(new StorageException("database transaction failed: " + e.getMessage(), e));
                settle(refused);
                return i + 1;
            }
            try {
                running = item;
                try {
                    item.runOn(c);
                } finally {
                    running = null;
                }
                execute(c, "RELEASE item");
                done.add(item);
            } catch (Throwable t) {
                try {
                    execute(c, "ROLLBACK TO item");
                    execute(c, "RELEASE item");
                    item.refuse(t); // drops its after-commit actions
                    refused.add(item);
                } catch (SQLException lost) {
                    // SQLite rolled back the whole transaction: the items before this one are lost with it.
                    t.addSuppressed(lost);
                    item.fail(t);
                    failAll(done, c, lost);
                    settle(refused);
                    return i + 1;
                }
            }
        }
        long position;
        try {
            position = StreamPositions.current(c);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            failAll(done, c, e);
            settle(refused);
            return i;
        }
        for (Item<?> item : done) {
            item.runAfterCommit();
        }
        committedPosition.accept(position);
        commits.incrementAndGet();
        items.addAndGet(done.size());
        if (done.size() > 1 && log.isDebugEnabled()) {
            log.debug("group commit items={}", done.size());
        }
        for (Item<?> item : done) {
            item.succeed();
        }
        settle(refused);
        return i;
    }

    /** Settles items refused earlier in the transaction, each with its own failure. */
    private static void settle(List<Item<?>> refused) {
        for (Item<?> item : refused) {
            item.fail(null);
        }
    }

    /** Rolls back the transaction and fails every item whose work had succeeded in it. */
    private static void failAll(List<Item<?>> done, Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
        log.warn("database commit failed items={} error={}", done.size(), cause.toString());
        for (Item<?> item : done) {
            item.fail(new StorageException("database transaction failed: " + cause.getMessage(), cause));
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** One caller's work, its result and the signal that it is settled. */
    static final class Item<T> {
        private SqlWork<T> work; // dropped once run: later work may refer to earlier items through it
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition settled = lock.newCondition();
        private boolean isSettled;
        private T result;
        private volatile Throwable failure;
        /** Writer thread only: what to run once the item's transaction committed ({@link #afterCommit}). */
        private List<Runnable> afterCommit;

        Item(SqlWork<T> work) {
            this.work = work;
        }

        /** Runs the work; its result is kept until the commit. */
        void runOn(Connection c) throws SQLException {
            SqlWork<T> running = work;
            work = null;
            result = running.run(c);
        }

        /**
         * Whether this item is settled as failed. Read by later items' work on the writer thread: an item
         * whose work threw, or that was lost with a transaction SQLite rolled back, is settled before any
         * item after it runs.
         */
        boolean failed() {
            return failure != null;
        }

        void afterCommit(Runnable action) {
            if (afterCommit == null) {
                afterCommit = new ArrayList<>(1);
            }
            afterCommit.add(action);
        }

        /** Runs the after-commit actions (writer thread, after the commit); a failing one is logged, not thrown. */
        void runAfterCommit() {
            if (afterCommit == null) {
                return;
            }
            for (Runnable action : afterCommit) {
                try {
                    action.run();
                } catch (RuntimeException | Error e) {
                    // Logged only: the transaction committed, and every caller of it must be told so.
                    log.error("database after-commit action failed", e);
                }
            }
            afterCommit = null;
        }

        void succeed() {
            settle(null);
        }

        /**
         * Marks the item failed with {@code t} without settling it yet ({@link #failed} is true from now on); its
         * after-commit actions are dropped.
         */
        void refuse(Throwable t) {
            failure = t;
            afterCommit = null;
        }

        /** Settles the item as failed: with the failure it was refused with, if any, else {@code t}. */
        void fail(Throwable t) {
            Throwable refusal = failure;
            settle(refusal != null ? refusal : t);
        }

        private void settle(Throwable t) {
            lock.lock();
            try {
                if (isSettled) {
                    return;
                }
                failure = t;
                if (t != null) {
                    result = null;
                }
                isSettled = true;
                settled.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /**
         * Waits for the outcome. Uninterruptibly: once queued, the work may commit, and a caller must not return
         * before it knows whether it did (the interrupt is kept for the caller to see).
         */
        T await() {
            lock.lock();
            try {
                while (!isSettled) {
                    settled.awaitUninterruptibly();
                }
            } finally {
                lock.unlock();
            }
            return switch (failure) {
                case null -> result;
                case SQLException e -> throw new StorageException("database transaction failed: " + e.getMessage(), e);
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                default -> throw new StorageException("database transaction failed: " + failure, failure);
            };
        }
    }
}
