package dev.starling.server.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the SQLite WAL into the database file on a thread and connection of its own, so that the writer's commits
 * never wait for it. SQLite's automatic checkpoint runs on the connection that commits — our one writer — and while
 * it copies thousands of pages (and fsyncs the database file) no batch can commit: every send queued meanwhile waits,
 * which set the tail of the send → /sync latency (BENCHMARKS.md, "Checkpoints off the writer"). Here a
 * {@code PASSIVE} checkpoint runs beside the writer: it copies what no reader still needs, never blocks the writer
 * or a reader. SQLite starts the WAL over only when a write transaction begins with every frame copied, which this
 * never achieves while the writer commits without pause: by the time it has copied the WAL, the writer has added
 * to it. So when a checkpoint here finds the WAL at {@link #CATCH_UP_FRAMES} frames or more, the writer itself,
 * between two batches, copies what was committed meanwhile ({@link #writerChore}: a short {@code PASSIVE}
 * checkpoint, most pages already copied; tried again after the next batches while a reader keeps frames from being
 * copied), and its next transaction starts the WAL over. Under the load generator's closed loop the WAL in use stayed
 * at a median of 10–16 MiB (at most 38–73 MiB) against 81–94 MiB (at most ~200 MB: the writer's backstop, {@link
 * Pools#WAL_AUTOCHECKPOINT_PAGES}) without it, at the same throughput (BENCHMARKS.md, "WAL frames by table"). At a
 * pause the WAL restarts after the next checkpoint here.
 *
 * <p>Driven by commits, not by a timer: {@link #committed} (called after each commit) wakes the thread, which
 * checkpoints at most once per {@link #INTERVAL_MILLIS}; an idle database is not touched. The writer keeps SQLite's
 * automatic checkpoint as a backstop for a checkpointer that cannot keep up ({@link Pools#WAL_AUTOCHECKPOINT_PAGES}).
 * Thread-safe.
 */
final class Checkpointer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

    /** The least time between two checkpoints: under load about a second of commits is copied at once. */
    static final long INTERVAL_MILLIS = 1_000;

    /**
     * The WAL size, in frames (4 KiB pages), from which the writer catches up after a checkpoint here so that the WAL
     * restarts: about 16 MiB. Smaller means more (shorter) catch-ups on the writer.
     */
    static final long CATCH_UP_FRAMES = 4_096;

    /** The most catch-up checkpoints the writer tries (one after each batch) until one has copied every frame. */
    static final int CATCH_UP_TRIES = 16;

    /** Opens the checkpointer's own connection to the database (on its thread, when first needed). */
    interface Connector {
        Connection open() throws SQLException;
    }

    private final Connector connector;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean pending;
    private boolean closed;
    private long checkpoints;
    /** Set by a checkpoint that found a WAL of {@link #CATCH_UP_FRAMES} or more; taken by {@link #catchUp}. */
    private final AtomicBoolean catchUpDue = new AtomicBoolean();
    private final AtomicLong catchUps = new AtomicLong();
    /** The writer's tries since the last checkpoint here (writer thread only). */
    /** Tries of the current catch-up; only the writer's thread touches it. */
    private long catchUpTries;

    Checkpointer(Connector connector) {
        this.connector = connector;
        this.thread = Thread.ofPlatform().name("starling-sqlite-checkpointer").daemon(true).unstarted(this::loop);
        thread.start();
    }

    /** After a commit: the WAL has grown, so a checkpoint is due (within {@link #INTERVAL_MILLIS}). */
    void committed() {
        lock.lock();
        try {
            if (!pending) {
                pending = true;
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Checkpoints run so far (tests). */
    long checkpoints() {
        lock.lock();
        try {
            return checkpoints;
        } finally {
            lock.unlock();
        }
    }

    /** Catch-up checkpoints the writer ran so far (tests). */
    long catchUps() {
        return catchUps.get();
    }

    /**
     * The writer's part, as a {@link GroupCommit.Chore}: after a checkpoint here left a WAL of {@link
     * #CATCH_UP_FRAMES} or more, a {@code PASSIVE} checkpoint on the writer between two batches, which copies the
     * frames committed since (nothing is committing meanwhile), so that the writer's next transaction can start
     * the WAL over. It does not wait for readers: a reader still on old frames only defers the restart.
     */
    GroupCommit.Chore writerChore() {
        return new GroupCommit.Chore() {
            @Override
            public boolean due() {
                return catchUpDue.get();
            }

            @Override
            public void run(Connection writer) throws SQLException {
                catchUp(writer);
            }
        };
    }

    private void catchUp(Connection writer) throws SQLException {
        long started = System.nanoTime();
        try (Statement s = writer.createStatement(); ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            catchUps.incrementAndGet();
            long walFrames = r.next() ? r.getLong(2) : -1;
            long copied = walFrames < 0 ? -1 : r.getLong(3);
            boolean all = walFrames >= 0 && walFrames == copied;
            // A reader still on an older snapshot keeps its frames from being copied: try again after the next
            // batch (each try copies only what was committed since), up to CATCH_UP_TRIES times.
            if (all || ++catchUpTries >= CATCH_UP_TRIES) {
                catchUpDue.set(false);
                catchUpTries = 0;
            }
            if (log.isDebugEnabled()) {
                log.debug("database checkpoint on the writer walFrames={} copied={} millis={}", walFrames, copied,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
        }
    }

    /** Stops the thread (a checkpoint under way finishes first) and closes its connection. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signal();
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
        Connection connection = null;
        long last = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS);
        try {
            while (awaitDue(last)) {
                last = System.nanoTime();
                try {
                    if (connection == null) {
                        connection = connector.open();
                    }
                    checkpoint(connection);
                } catch (SQLException e) {
                    // The writer's automatic checkpoint still bounds the WAL; try again after the next commit.
                    log.warn("database checkpoint failed: {}", e.getMessage());
                    connection = closeQuietly(connection);
                }
            }
        } finally {
            closeQuietly(connection);
        }
    }

    /** Waits until a commit has asked for a checkpoint and {@link #INTERVAL_MILLIS} have passed; false once closed. */
    private boolean awaitDue(long last) {
        lock.lock();
        try {
            while (!closed) {
                long wait = last + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS) - System.nanoTime();
                if (pending && wait <= 0) {
                    pending = false; // a commit from now on asks again
                    return true;
                }
                if (pending) {
                    changed.awaitNanos(wait);
                } else {
                    changed.awaitUninterruptibly();
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void checkpoint(Connection connection) throws SQLException {
        long started = System.nanoTime();
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            if (r.next()) {
                if (r.getLong(2) >= CATCH_UP_FRAMES) {
                    catchUpDue.set(true);
                }
                if (log.isDebugEnabled()) {
                    log.debug("database checkpoint walFrames={} copied={} millis={}", r.getLong(2), r.getLong(3),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                }
            }
        }
        lock.lock();
        try {
            checkpoints++;
        } finally {
            lock.unlock();
        }
    }

    private static Connection closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the checkpoint connection failed: {}", e.getMessage());
            }
        }
        return null;
    }
}
