package dev.starling.mesh.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.mesh.routing.MessageId;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeenIdsTest {
    private final SplittableRandom random = new SplittableRandom(4);
    @TempDir
    Path dir;

    @Test
    void anIdIsDeliveredOnceEvenAcrossARestart() throws IOException {
        MessageId id = MessageId.random(random);
        try (SeenIds seen = SeenIds.open(dir, StoreConfig.defaults(), 0)) {
            assertThat(seen.firstSight(id, 0)).isTrue();
            assertThat(seen.firstSight(id, 1)).isFalse();
        }
        try (SeenIds seen = SeenIds.open(dir, StoreConfig.defaults(), 2)) {
            assertThat(seen.firstSight(id, 2)).isFalse();
            assertThat(seen.firstSight(MessageId.random(random), 2)).isTrue();
        }
    }

    @Test
    void idsAreForgottenAfterTheLifetimeOrBeyondTheCap() throws IOException {
        StoreConfig config = new StoreConfig(Duration.ofMinutes(1), 1000, false, 100);
        try (SeenIds seen = SeenIds.open(dir, config, 0)) {
            MessageId first = MessageId.random(random);
            seen.firstSight(first, 0);
            assertThat(seen.firstSight(first, 60_000)).as("lifetime over").isTrue();
            for (int i = 0; i < 500; i++) {
                seen.firstSight(MessageId.random(random), 60_001);
            }
            assertThat(seen.size()).isEqualTo(100);
        }
        try (SeenIds seen = SeenIds.open(dir, config, 60_002)) {
            assertThat(seen.size()).isEqualTo(100);
        }
    }
}
