package dev.starling.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

class DatabaseTest {

    @OnEveryDatabase
    void migrationsApplyOnAnEmptyDatabaseAndAreNotRepeatedAtRestart(Backend backend) {
        try (TestDatabase t = backend.create()) {
            // Every migration file is applied once, in order (each feature area adds its own version).
            List<String> applied = appliedMigrations(t.db());
            assertThat(applied).startsWith("1", "2").isSortedAccordingTo(java.util.Comparator.comparingInt(Integer::parseInt))
                    .doesNotHaveDuplicates().hasSize(migrationFiles());
            insertUser(t.db(), "@alice:example.org");

            Database reopened = t.reopen();

            assertThat(appliedMigrations(reopened)).isEqualTo(applied);
            assertThat(countUsers(reopened)).isEqualTo(1);
        }
    }

    /**
     * SQLite (one writer, group commit) knows the committed stream position without a read: after each commit,
     * before its caller returns; a failed transaction leaves it. PostgreSQL (many writers) does not.
     */
    @OnEveryDatabase
    void theCommittedStreamPositionIsKnownWhereOneWriterCommits(Backend backend) {
        try (TestDatabase t = backend.create()) {
            Database db = t.db();
            long opened = db.read(StreamPositions::current);
            if (db.dialect() == Dialect.POSTGRESQL) {
                assertThat(db.committedPosition()).isEmpty();
                return;
            }
            assertThat(db.committedPosition()).hasValue(opened);
            long last = db.inTransaction(c -> StreamPositions.take(c, 3) + 2);
            assertThat(last).isEqualTo(opened + 3);
            assertThat(db.committedPosition()).hasValue(last);
            RuntimeException failure = new IllegalStateException("boom");
            assertThatThrownBy(() -> db.inTransaction(c -> {
                StreamPositions.next(c);
                throw failure;
            })).isSameAs(failure);
            assertThat(db.committedPosition()).hasValue(last);
            assertThat(db.read(StreamPositions::current)).isEqualTo(last);
            long next = db.submit(StreamPositions::next).await();
            assertThat(db.committedPosition()).hasValue(next);
            assertThat(next).isEqualTo(last + 1);
        }
    }

    @OnEveryDatabase
    void dialectMatchesTheDatabase(Backend backend) {
        try (TestDatabase t = backend.create()) {
            assertThat(t.db().dialect().name()).isEqualTo(backend.name());
        }
    }

    @OnEveryDatabase
    void aTransactionThatThrowsLeavesNothingBehind(Backend backend) {
        try (TestDatabase t = backend.create()) {
            RuntimeException failure = new IllegalStateException("boom");

            assertThatThrownBy(() -> t.db().inTransaction(c -> {
                insertUser(c, "@alice:example.org");
                insertUser(c, "@bob:example.org");
                throw failure;
            })).isSameAs(failure);

            assertThat(countUsers(t.db())).isZero();
        }
    }

    @OnEveryDatabase
    void aFailingStatementRollsBackTheTransactionAndBecomesAStorageException(Backend backend) {
        try (TestDatabase t = backend.create()) {
            assertThatThrownBy(() -> t.db().inTransaction(c -> {
                insertUser(c, "@alice:example.org");
                insertUser(c, "@alice:example.org");
                return null;
            })).isInstanceOf(StorageException.class)
                    .cause().isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(t.db().dialect().isUniqueViolation((SQLException) e)).isTrue());

            assertThat(countUsers(t.db())).isZero();
        }
    }

    @OnEveryDatabase
    void foreignKeysAreEnforced(Backend backend) {
        try (TestDatabase t = backend.create()) {
            assertThatThrownBy(() -> t.db().inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO devices (user_id, device_id) VALUES (?, ?)")) {
                    s.setString(1, "@nobody:example.org");
                    s.setString(2, "DEV");
                    return s.executeUpdate();
                }
            })).isInstanceOf(StorageException.class)
                    .satisfies(e -> assertThat(t.db().dialect().isUniqueViolation((SQLException) e.getCause())).isFalse());
        }
    }

    @OnEveryDatabase
    void readTransactionsCannotWrite(Backend backend) {
        try (TestDatabase t = backend.create()) {
            assertThatThrownBy(() -> t.db().read(c -> insertUser(c, "@alice:example.org")))
                    .isInstanceOf(StorageException.class);
            assertThat(countUsers(t.db())).isZero();
        }
    }

    @OnEveryDatabase
    void aReadSeesWhatACommittedTransactionWrote(Backend backend) {
        try (TestDatabase t = backend.create()) {
            t.db().inTransaction(c -> insertUser(c, "@alice:example.org"));
            assertThat(countUsers(t.db())).isEqualTo(1);
        }
    }

    /**
     * A lazily opened read ({@link Database#readLazily}) sees one snapshot from its first statement on, as a read
     * does: a commit between its two queries is not seen; its failures are those of a read, and its connection
     * goes back to the pool (more failing reads than the pool holds still leave a connection for the next).
     */
    @OnEveryDatabase
    void aLazyReadSeesOneSnapshotAndReturnsItsConnection(Backend backend) throws Exception {
        try (TestDatabase t = backend.create()) {
            Database db = t.db();
            String answer = db.readLazily(c -> "from memory");
            assertThat(answer).isEqualTo("from memory");
            List<Long> counts = db.readLazily(c -> {
                long before = count(c);
                Thread writer = Thread.ofVirtual().start(() -> insertUser(db, "@alice:example.org"));
                try {
                    writer.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return List.of(before, count(c));
            });
            assertThat(counts).containsExactly(0L, 0L);
            assertThat(db.<Long>readLazily(DatabaseTest::count)).isEqualTo(1L);
            for (int i = 0; i < 30; i++) {
                assertThatThrownBy(() -> db.readLazily(c -> {
                    count(c);
                    throw new IllegalStateException("work fails");
                })).isInstanceOf(IllegalStateException.class);
                assertThatThrownBy(() -> db.readLazily(c -> insertUser(c, "@bob:example.org")))
                        .isInstanceOf(StorageException.class);
            }
            assertThat(db.<Long>readLazily(DatabaseTest::count)).isEqualTo(1L);
        }
    }

    private static long count(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM users"); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    static int insertUser(Database db, String userId) {
        return db.inTransaction(c -> insertUser(c, userId));
    }

    static int insertUser(Connection c, String userId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO users (user_id, created_ts) VALUES (?, ?)")) {
            s.setString(1, userId);
            s.setLong(2, 1L);
            return s.executeUpdate();
        }
    }

    static long countUsers(Database db) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM users");
                    ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    /** The number of migration files; both dialects must have the same versions (they are kept in step). */
    private static int migrationFiles() {
        java.nio.file.Path root = java.nio.file.Path.of("src/main/resources/db/migration");
        List<String> sqlite = migrationVersions(root.resolve("sqlite"));
        assertThat(migrationVersions(root.resolve("postgresql"))).isEqualTo(sqlite);
        return sqlite.size();
    }

    private static List<String> migrationVersions(java.nio.file.Path dir) {
        try (var files = java.nio.file.Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.+\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__"))).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> appliedMigrations(Database db) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT version FROM flyway_schema_history WHERE success = ? AND version IS NOT NULL"
                            + " ORDER BY installed_rank")) {
                s.setBoolean(1, true);
                try (ResultSet r = s.executeQuery()) {
                    List<String> versions = new ArrayList<>();
                    while (r.next()) {
                        versions.add(r.getString(1));
                    }
                    return versions;
                }
            }
        });
    }
}
