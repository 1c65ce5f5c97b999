package dev.starling.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.id.RoomId;
import dev.starling.server.storage.Database;
import dev.starling.server.storage.DatabaseConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lazy read ({@code Database.readLazily}, as /sync's rooms part) takes its pooled connection before a window's
 * lock, never under it: with the one reader connection held by a read that then waits for the window's lock, the
 * lazy read still completes at once instead of waiting for the pool's timeout with the lock held.
 */
class EventWindowsPoolTest {
    @TempDir
    Path dir;

    @Test
    void aLazyReadConnectsBeforeItTakesTheWindowsLock() throws Exception {
        DatabaseConfig.Sqlite config = new DatabaseConfig.Sqlite(dir.resolve("starling.db"), 1,
                DatabaseConfig.Sqlite.DEFAULT_BUSY_TIMEOUT);
        try (Database db = Database.open(config);
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            EventWindows windows = new EventWindows(db.changes());
            RoomId room = RoomId.parse("!room:example.org");
            long upTo = db.committedPosition().orElseThrow();
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch lazyStarted = new CountDownLatch(1);
            CompletableFuture<Optional<List<StoredEvent>>> plain = CompletableFuture.supplyAsync(() -> db.read(c -> {
                holding.countDown();
                awaitQuietly(lazyStarted);
                sleepQuietly(300); // the lazy read is inside events() by now
                return windows.newest(c, room, 0, upTo, 10);
            }), threads);
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Optional<List<StoredEvent>>> lazy = CompletableFuture.supplyAsync(() -> {
                lazyStarted.countDown();
                return db.readLazily(c -> windows.events(c, room, 0, upTo));
            }, threads);
            assertThat(plain.get(10, TimeUnit.SECONDS)).contains(List.of());
            assertThat(lazy.get(10, TimeUnit.SECONDS)).as("not stuck behind the pool's timeout").contains(List.of());
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
