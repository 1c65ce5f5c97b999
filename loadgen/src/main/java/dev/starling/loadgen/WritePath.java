package dev.starling.loadgen;

import dev.starling.server.storage.Database;
import dev.starling.server.storage.DatabaseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * (w) The storage write path alone, in this process: {@code threads} virtual threads each committing
 * one-row transactions ({@code Database.inTransaction}, SQLite, WAL, synchronous=FULL) for a while, with
 * group commit and without it (each transaction its own commit and fsync). What group commit buys, without
 * HTTP, event building or /sync in the way.
 */
final class WritePath {
    private WritePath() {}

    static List<Scenarios.Row> run(Path dir, int threads, Duration duration) throws Exception {
        List<Scenarios.Row> rows = new ArrayList<>();
        for (boolean group : new boolean[] {false, true}) {
            System.setProperty(Database.NO_GROUP_COMMIT_PROPERTY, Boolean.toString(!group));
            Path data = Files.createTempDirectory(dir, group ? "group" : "single");
            try (Database db = Database.open(DatabaseConfig.sqlite(data));
                    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                AtomicLong committed = new AtomicLong();
                long start = System.nanoTime();
                long end = start + duration.toNanos();
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    workers.add(pool.submit(() -> {
                        for (long n = 0; System.nanoTime() < end; n++) {
                            String user = "@w" + thread + "_" + n + ":loadgen.test";
                            db.inTransaction(c -> {
                                try (var s = c.prepareStatement("INSERT INTO users (user_id, created_ts) VALUES (?, 0)")) {
                                    s.setString(1, user);
                                    return s.executeUpdate();
                                }
                            });
                            committed.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> w : workers) {
                    w.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                String batches = db.commitStats()
                        .map(s -> String.format(", mean batch %.1f", s.items() / (double) Math.max(1, s.commits())))
                        .orElse("");
                rows.add(new Scenarios.Row("(w) storage write path, " + threads + " writers",
                        group ? "group commit" : "a commit (fsync) per transaction",
                        String.format("%.0f transactions/s%s", committed.get() / seconds, batches)));
            } finally {
                System.clearProperty(Database.NO_GROUP_COMMIT_PROPERTY);
            }
        }
        return rows;
    }
}
