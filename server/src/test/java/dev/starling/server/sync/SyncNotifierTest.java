package dev.starling.server.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SyncNotifierTest {
    private static final UserId BOB = UserId.parse("@bob:example.org");
    private static final RoomId ROOM = RoomId.parse("!room:example.org");
    private static final RoomId OTHER = RoomId.parse("!other:example.org");

    @Test
    void aCommitBeforeTheWaitIsNotMissed() throws Exception {
        Notifier notifier = new Notifier();
        try (Notifier.Watch watch = notifier.watch(BOB, List.of(ROOM))) {
            notifier.committed(ROOM, Set.of());
            assertThat(watch.await(Duration.ZERO)).isTrue();
        }
        assertThat(notifier.watchedKeys()).isZero();
    }

    @Test
    void onlyTheRoomsAndMemberTargetsWatchedWake() throws Exception {
        Notifier notifier = new Notifier();
        try (Notifier.Watch watch = notifier.watch(BOB, List.of(ROOM))) {
            notifier.committed(OTHER, Set.of(UserId.parse("@carol:example.org")));
            assertThat(watch.await(Duration.ofMillis(50))).isFalse();
            notifier.committed(OTHER, Set.of(BOB));
            assertThat(watch.await(Duration.ZERO)).isTrue();
        }
    }

    @Test
    void aWaitingVirtualThreadWakesOnACommit() throws Exception {
        Notifier notifier = new Notifier();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor();
                Notifier.Watch watch = notifier.watch(BOB, List.of(ROOM))) {
            CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> {
                try {
                    return watch.await(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, executor);
            Thread.sleep(50);
            notifier.committed(ROOM, Set.of());
            assertThat(woken.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
