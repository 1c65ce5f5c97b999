package dev.starling.server.storage;

import static dev.starling.server.storage.DatabaseTest.countUsers;
import static dev.starling.server.storage.DatabaseTest.insertUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite's group commit: concurrent transactions share one commit, and each caller still gets exactly the
 * outcome of a transaction of its own (its own failure, its writes rolled back; the others' kept).
 */
class GroupCommitTest {
    @TempDir
    Path dir;

    @Test
    void concurrentTransactionsAllCommitInFewerCommitsThanTransactions() throws Exception {
        try (Database db = Database.open(DatabaseConfig.sqlite(dir));
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Database.CommitStats before = db.commitStats().orElseThrow();
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String user = "@user" + i + ":example.org";
                results.add(threads.submit(() -> insertUser(db, user)));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            }

            assertThat(countUsers(db)).isEqualTo(200);
            Database.CommitStats after = db.commitStats().orElseThrow();
            assertThat(after.items() - before.items()).isEqualTo(200);
            assertThat(after.commits() - before.commits()).as("commits for 200 concurrent transactions")
                    .isLessThan(200);
        }
    }

    @Test
    void aFailingItemRollsBackOnlyItselfAndItsCallerGetsItsException() throws Exception {
        try (Database db = Database.open(DatabaseConfig.sqlite(dir));
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            RuntimeException boom = new IllegalStateException("boom");
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Database.CommitStats before = db.commitStats().orElseThrow();
            Future<?> blocker = threads.submit(() -> db.inTransaction(c -> {
                started.countDown();
                await(release);
                return insertUser(c, "@first:example.org");
            }));
            await(started);
            Future<Integer> alice = threads.submit(() -> insertUser(db, "@alice:example.org"));
            awaitQueued(db, 1);
            Future<Integer> bob = threads.submit(() -> db.inTransaction(c -> {
                insertUser(c, "@bob:example.org");
                throw boom;
            }));
            awaitQueued(db, 2);
            Future<Integer> duplicate = threads.submit(() -> db.inTransaction(c -> {
                insertUser(c, "@dave:example.org");
                return insertUser(c, "@alice:example.org");
            }));
            awaitQueued(db, 3);
            Future<Integer> carol = threads.submit(() -> insertUser(db, "@carol:example.org"));
            awaitQueued(db, 4);
            release.countDown();

            blocker.get(30, TimeUnit.SECONDS);
            assertThat(alice.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(carol.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThatThrownBy(() -> bob.get(30, TimeUnit.SECONDS)).cause().isSameAs(boom);
            assertThatThrownBy(() -> duplicate.get(30, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(StorageException.class).cause().isInstanceOf(SQLException.class);
            assertThat(users(db)).containsExactlyInAnyOrder(
                    "@first:example.org", "@alice:example.org", "@carol:example.org");
            Database.CommitStats after = db.commitStats().orElseThrow();
            assertThat(after.commits() - before.commits()).as("the blocker's commit, then one for the batch")
                    .isEqualTo(2);
        }
    }

    @Test
    void submittedWorkSeesAnEarlierFailureAndAFailureSettlesOnlyWhenItsTransactionEnds() throws Exception {
        try (Database db = Database.open(DatabaseConfig.sqlite(dir));
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            RuntimeException boom = new IllegalStateException("boom");
            CountDownLatch release = new CountDownLatch(1);
            Future<?> blocker = holdWriter(threads, db, release);
            Database.Pending<Integer> alice = db.submit(c -> insertUser(c, "@alice:example.org"));
            Database.Pending<Integer> bob = db.submit(c -> {
                insertUser(c, "@bob:example.org");
                throw boom;
            });
            CountDownLatch bobSettled = new CountDownLatch(1);
            List<Boolean> seen = new ArrayList<>();
            Database.Pending<Integer> carol = db.submit(c -> {
                seen.add(alice.failed());
                seen.add(bob.failed());
                // Holds the batch open: bob's caller must not be answered before alice's commit.
                seen.add(awaitFor(bobSettled, 2));
                return insertUser(c, "@carol:example.org");
            });
            assertThat(db.queuedWrites()).isEqualTo(3);
            release.countDown();
            blocker.get(30, TimeUnit.SECONDS);
            assertThatThrownBy(bob::await).isSameAs(boom);
            bobSettled.countDown();
            assertThat(users(db)).as("committed when bob's failure is answered")
                    .containsExactlyInAnyOrder("@alice:example.org", "@carol:example.org");
            assertThat(alice.await()).isEqualTo(1);
            assertThat(carol.await()).isEqualTo(1);
            assertThat(seen).as("alice failed, bob failed, bob's caller answered before the commit")
                    .containsExactly(false, true, false);
        }
    }

    @Test
    void whenTheCommitFailsEveryCallerOfTheBatchFailsAndNothingIsStored() throws Exception {
        try (Database db = Database.open(DatabaseConfig.sqlite(dir));
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch release = new CountDownLatch(1);
            Future<?> blocker = holdWriter(threads, db, release);
            Future<Integer> alice = threads.submit(() -> insertUser(db, "@alice:example.org"));
            awaitQueued(db, 1);
            // A deferred foreign-key violation passes the statement and fails the COMMIT.
            Future<Integer> orphan = threads.submit(() -> db.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA defer_foreign_keys = ON");
                    return s.executeUpdate("INSERT INTO devices (user_id, device_id) VALUES ('@nobody:example.org', 'D')");
                }
            }));
            awaitQueued(db, 2);
            release.countDown();

            blocker.get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> alice.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(StorageException.class);
            assertThatThrownBy(() -> orphan.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(StorageException.class);
            assertThat(countUsers(db)).isZero();

            assertThat(insertUser(db, "@bob:example.org")).as("the writer works after a failed commit").isEqualTo(1);
            assertThat(users(db)).containsExactly("@bob:example.org");
        }
    }

    /**
     * After-commit actions run once the batch committed, in the order the work ran, before the callers return,
     * and only for work that succeeded; outside work nothing is queued, and after a failed commit nothing runs.
     */
    @Test
    void afterCommitActionsRunInOrderOnlyForCommittedWorkBeforeItsCallerReturns() throws Exception {
        try (Database db = Database.open(DatabaseConfig.sqlite(dir));
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(db.afterCommit(() -> {})).as("outside a transaction's work").isFalse();
            List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Long> committedWhenRun = java.util.Collections.synchronizedList(new ArrayList<>());
            long[] alicesPosition = {0};
            long[] publishedWhenRun = {0};
            CountDownLatch release = new CountDownLatch(1);
            Future<?> blocker = holdWriter(threads, db, release);
            Database.Pending<Boolean> alice = db.submit(c -> {
                insertUser(c, "@alice:example.org");
                alicesPosition[0] = StreamPositions.next(c);
                return db.afterCommit(() -> {
                    ran.add("alice");
                    committedWhenRun.add(countUsers(db));
                    publishedWhenRun[0] = db.committedPosition().orElseThrow();
                });
            });
            Database.Pending<Boolean> bob = db.submit(c -> {
                db.afterCommit(() -> ran.add("bob"));
                throw new IllegalStateException("bob's work fails after queuing an action");
            });
            Database.Pending<Boolean> carol = db.submit(c -> {
                db.afterCommit(() -> ran.add("carol 1"));
                insertUser(c, "@carol:example.org");
                return db.afterCommit(() -> ran.add("carol 2"));
            });
            assertThat(db.queuedWrites()).isEqualTo(3);
            release.countDown();
            blocker.get(30, TimeUnit.SECONDS);

            assertThat(alice.await()).isTrue();
            assertThat(ran).as("alice's action ran before alice's caller returned").contains("alice");
            assertThat(carol.await()).isTrue();
            assertThatThrownBy(bob::await).isInstanceOf(IllegalStateException.class);
            assertThat(ran).containsExactly("alice", "carol 1", "carol 2");
            assertThat(committedWhenRun).as("users a reader saw when alice's action ran: the batch committed")
                    .containsExactly(2L);
            assertThat(publishedWhenRun[0]).as("the action ran before the committed position showed alice's")
                    .isLessThan(alicesPosition[0]);
            assertThat(db.committedPosition().orElseThrow()).isGreaterThanOrEqualTo(alicesPosition[0]);

            // A failed commit (a deferred foreign-key violation) runs no action.
            assertThatThrownBy(() -> db.inTransaction(c -> {
                db.afterCommit(() -> ran.add("orphan"));
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA defer_foreign_keys = ON");
                    return s.executeUpdate(
                            "INSERT INTO devices (user_id, device_id) VALUES ('@nobody:example.org', 'D')");
                }
            })).isInstanceOf(StorageException.class);
            assertThat(ran).doesNotContain("orphan");
        }
    }

    @Test
    void aTransactionInsideATransactionFailsFastInsteadOfWaitingForItself() {
        try (Database db = Database.open(DatabaseConfig.sqlite(dir))) {
            assertThatThrownBy(() -> db.inTransaction(c -> db.inTransaction(inner -> 1)))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(insertUser(db, "@alice:example.org")).isEqualTo(1);
        }
    }

    @Test
    void afterCloseATransactionIsAStorageException() {
        Database db = Database.open(DatabaseConfig.sqlite(dir));
        db.close();
        assertThatThrownBy(() -> insertUser(db, "@alice:example.org")).isInstanceOf(StorageException.class);
    }

    /** Starts a transaction that holds the writer until {@code release} opens; returns once it runs. */
    private static Future<?> holdWriter(ExecutorService threads, Database db, CountDownLatch release) {
        CountDownLatch started = new CountDownLatch(1);
        Future<?> blocker = threads.submit(() -> db.inTransaction(c -> {
            started.countDown();
            await(release);
            return null;
        }));
        await(started);
        return blocker;
    }

    /** Waits until {@code n} transactions wait behind the one the writer runs, so that they form one batch. */
    private static void awaitQueued(Database db, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (db.queuedWrites() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never queued " + n);
            }
            Thread.sleep(1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code latch} opened within {@code seconds}. */
    private static boolean awaitFor(CountDownLatch latch, int seconds) {
        try {
            return latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> users(Database db) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT user_id FROM users"); ResultSet r = s.executeQuery()) {
                List<String> users = new ArrayList<>();
                while (r.next()) {
                    users.add(r.getString(1));
                }
                return users;
            }
        });
    }
}
