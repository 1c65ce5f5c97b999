package dev.starling.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only SQLite has: its file, its pragmas, and durability across closing and reopening. */
class SqliteDatabaseTest {
    @TempDir
    Path dir;

    /**
     * Work of {@link Database#readLazily} that never uses its connection takes none: it answers while the one
     * reader connection is held by another read, which a plain read would have to wait for.
     */
    @Test
    void aLazyReadThatUsesNoConnectionDoesNotWaitForOne() throws Exception {
        DatabaseConfig.Sqlite config = new DatabaseConfig.Sqlite(dir.resolve("starling.db"), 1,
                DatabaseConfig.Sqlite.DEFAULT_BUSY_TIMEOUT);
        try (Database db = Database.open(config)) {
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Thread holder = Thread.ofVirtual().start(() -> db.read(c -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            }));
            holding.await();
            java.util.concurrent.CompletableFuture<String> fromMemory = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> db.readLazily(c -> "from memory"));
            java.util.concurrent.CompletableFuture<Boolean> plain = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> db.read(c -> c.isValid(1)));
            assertThat(fromMemory.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("from memory");
            assertThat(plain).as("a plain read waits for the held connection").isNotDone();
            release.countDown();
            holder.join();
            assertThat(plain.get(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void createsTheFileAndItsDirectoryInTheDataDirectory() {
        Path dataDir = dir.resolve("not/yet/there");
        try (Database db = Database.open(DatabaseConfig.sqlite(dataDir))) {
            assertThat(dataDir.resolve(DatabaseConfig.SQLITE_FILE_NAME)).isRegularFile();
        }
    }

    @Test
    void writerUsesWalFullSyncAndForeignKeys() {
        try (Database db = Database.open(DatabaseConfig.sqlite(dir))) {
            assertThat(writerPragma(db, "journal_mode")).isEqualTo("wal");
            assertThat(writerPragma(db, "synchronous")).isEqualTo("2"); // FULL
            assertThat(writerPragma(db, "foreign_keys")).isEqualTo("1");
            assertThat(writerPragma(db, "busy_timeout")).isEqualTo("5000");
            assertThat(writerPragma(db, "wal_autocheckpoint")).isEqualTo("50000"); // a backstop: see Checkpointer
            assertThat(writerPragma(db, "temp_store")).isEqualTo("2"); // MEMORY
            assertThat(writerPragma(db, "journal_size_limit")).isEqualTo(String.valueOf(64 << 20)); // WAL file at restart
            assertThat(readerPragma(db, "foreign_keys")).isEqualTo("1");
            assertThat(readerPragma(db, "query_only")).isEqualTo("1");
        }
    }

    /**
     * Group commit runs each item inside a savepoint, and SQLite keeps the first image of every page an item
     * changes in a sub-journal, which it moves to a temporary file past 64 KiB unless temporary storage is in
     * memory: a file rewritten for every item of every batch (about 70 {@code pwrite}s per message sent,
     * 2026-11-24).
     */
    @Test
    void anItemChangingManyPagesWritesNoTemporaryFile() {
        try (Database db = Database.open(DatabaseConfig.sqlite(dir))) {
            createScratch(db);
            fillScratch(db, 1, 2000, 1000);
            List<String> temporary = db.inTransaction(c -> {
                try (var s = c.createStatement()) {
                    assertThat(s.executeUpdate("UPDATE scratch SET v = randomblob(1000)")).isEqualTo(2000);
                }
                // Still inside the item's savepoint: a sub-journal on disk would be open now.
                try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                    return fds.map(SqliteDatabaseTest::target).filter(t -> t.contains("etilqs_")).toList();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertThat(temporary).isEmpty();
        }
    }

    /**
     * The WAL reaches the database file without the writer checkpointing ({@link Checkpointer}): its automatic
     * checkpoint would wait for 50,000 pages, and these commits write a few hundred.
     */
    @Test
    void committedPagesAreCopiedIntoTheDatabaseFileBesideTheWriter() throws Exception {
        try (Database db = Database.open(DatabaseConfig.sqlite(dir))) {
            Path file = dir.resolve(DatabaseConfig.SQLITE_FILE_NAME);
            createScratch(db);
            long before = Files.size(file);
            fillScratch(db, 20, 100, 1000);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (Files.size(file) < before + 2_000_000 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(Files.size(file)).isGreaterThanOrEqualTo(before + 2_000_000);
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(
                t -> t.getName().equals("starling-sqlite-checkpointer") && t.isAlive());
    }

    @Test
    void underContinuousCommitsTheWalStartsOverOnceTheWriterHasCaughtUp() throws Exception {
        try (Database db = Database.open(DatabaseConfig.sqlite(dir))) {
            Path wal = dir.resolve(DatabaseConfig.SQLITE_FILE_NAME + "-wal");
            createScratch(db);
            // More than Checkpointer.CATCH_UP_FRAMES frames: a row of 3,000 bytes takes most of a 4 KiB page.
            fillScratch(db, 50, 100, 3000);
            int sequence = walCheckpointSequence(wal);
            // Eight committers keep the writer busy, so a checkpoint beside it seldom copies the whole WAL by
            // itself (without the catch-up this WAL started over only after ~10 s, at a chance pause).
            var stop = new java.util.concurrent.atomic.AtomicBoolean();
            var next = new java.util.concurrent.atomic.AtomicInteger(1_000_000);
            List<Thread> committers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                committers.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        int id = next.incrementAndGet();
                        db.inTransaction(c -> {
                            try (var s = c.prepareStatement("INSERT INTO scratch (id, v) VALUES (?, randomblob(100))")) {
                                s.setInt(1, id);
                                s.executeUpdate();
                            }
                            return null;
                        });
                    }
                }));
            }
            try {
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
                while (walCheckpointSequence(wal) == sequence && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            } finally {
                stop.set(true);
                for (Thread t : committers) {
                    t.join();
                }
            }
            assertThat(walCheckpointSequence(wal)).as("the WAL started over").isNotEqualTo(sequence);
            assertThat(db.walCatchUps()).isPositive();
        }
    }

    /** The WAL header's checkpoint sequence number, which SQLite changes each time the WAL starts over. */
    private static void createScratch(Database db) {
        db.inTransaction(c -> {
            try (var s = c.createStatement()) {
                s.execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
            }
            return null;
        });
    }

    /**
     * Commits {@code transactions} transactions to {@code scratch}, each inserting {@code rows} rows of
     * {@code bytes} random bytes with the next IDs from 1.
     */
    private static void fillScratch(Database db, int transactions, int rows, int bytes) {
        for (int i = 0; i < transactions; i++) {
            int from = i * rows;
            db.inTransaction(c -> {
                try (var s = c.createStatement()) {
                    s.execute("WITH RECURSIVE n(i) AS (SELECT " + (from + 1) + " UNION ALL SELECT i + 1 FROM n"
                            + " WHERE i < " + (from + rows) + ") INSERT INTO scratch (id, v)"
                            + " SELECT i, randomblob(" + bytes + ") FROM n");
                }
                return null;
            });
        }
    }

    private static int walCheckpointSequence(Path wal) throws IOException {
        try (var in = Files.newInputStream(wal)) {
            byte[] header = in.readNBytes(16);
            return java.nio.ByteBuffer.wrap(header).getInt(12);
        }
    }

    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return ""; // closed since it was listed
        }
    }

    @Test
    void committedDataSurvivesClosingAndReopening() {
        DatabaseConfig config = DatabaseConfig.sqlite(dir);
        try (Database db = Database.open(config)) {
            for (int i = 0; i < 10; i++) {
                DatabaseTest.insertUser(db, "@user" + i + ":example.org");
            }
        }
        try (Database db = Database.open(config)) {
            assertThat(DatabaseTest.countUsers(db)).isEqualTo(10);
        }
    }

    @Test
    void aFileThatIsNotADatabaseIsAStorageException() throws IOException {
        Files.writeString(dir.resolve(DatabaseConfig.SQLITE_FILE_NAME), "not a database, just text ".repeat(100));
        assertThatThrownBy(() -> Database.open(DatabaseConfig.sqlite(dir))).isInstanceOf(StorageException.class);
    }

    @Test
    void bothDialectsHaveTheSameMigrationVersions() throws IOException, URISyntaxException {
        assertThat(migrationVersions("sqlite")).isNotEmpty().isEqualTo(migrationVersions("postgresql"));
    }

    private static List<String> migrationVersions(String folder) throws IOException, URISyntaxException {
        Path path = Path.of(Objects.requireNonNull(
                SqliteDatabaseTest.class.getResource("/db/migration/" + folder)).toURI());
        try (Stream<Path> files = Files.list(path)) {
            return files.map(p -> p.getFileName().toString().replaceFirst("__.*", "")).sorted().toList();
        }
    }

    private static String writerPragma(Database db, String name) {
        return db.inTransaction(c -> pragma(c, name));
    }

    private static String readerPragma(Database db, String name) {
        return db.read(c -> pragma(c, name));
    }

    private static String pragma(java.sql.Connection c, String name) throws java.sql.SQLException {
        try (PreparedStatement s = c.prepareStatement("PRAGMA " + name); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getString(1);
        }
    }
}
