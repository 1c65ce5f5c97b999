package dev.starling.mesh.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.mesh.routing.Ed25519SeqnoAuth;
import dev.starling.mesh.routing.MessageId;
import dev.starling.mesh.routing.Packet;
import dev.starling.mesh.routing.PeerKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageStoreTest {
    private static final PeerKey ORIGIN = Ed25519SeqnoAuth.generate(new SplittableRandom(1)).self();
    private static final PeerKey DEST = Ed25519SeqnoAuth.generate(new SplittableRandom(2)).self();
    private static final PeerKey OTHER = Ed25519SeqnoAuth.generate(new SplittableRandom(3)).self();
    private final SplittableRandom random = new SplittableRandom(9);
    @TempDir
    Path dir;

    private Packet.Data message(PeerKey to, int size) {
        byte[] payload = new byte[size];
        random.nextBytes(payload);
        return new Packet.Data(0, 30, MessageId.random(random), ORIGIN, to, payload);
    }

    @Test
    void heldMessagesSurviveARestartWithTheirPayloadAndHopLimit() throws IOException {
        Packet.Data a = message(DEST, 500);
        Packet.Data b = message(OTHER, 10);
        try (MessageStore s = MessageStore.open(dir, StoreConfig.defaults())) {
            assertThat(s.put(a, 0)).isTrue();
            assertThat(s.put(b, 0)).isTrue();
            assertThat(s.put(a, 0)).as("same id again").isFalse();
        }
        try (MessageStore s = MessageStore.open(dir, StoreConfig.defaults())) {
            assertThat(s.count()).isEqualTo(2);
            Packet.Data back = s.pendingFor(DEST).get(0);
            assertThat(back.id()).isEqualTo(a.id());
            assertThat(back.payload()).isEqualTo(a.payload());
            assertThat(back.hopLimit()).isEqualTo(30);
            assertThat(back.origin()).isEqualTo(ORIGIN);
        }
    }

    @Test
    void aMessageRemovedAfterItsHopAckStaysRemovedAfterARestart() throws IOException {
        Packet.Data a = message(DEST, 100);
        try (MessageStore s = MessageStore.open(dir, StoreConfig.defaults())) {
            s.put(a, 0);
            assertThat(s.remove(a.id())).isTrue();
        }
        try (MessageStore s = MessageStore.open(dir, StoreConfig.defaults())) {
            assertThat(s.count()).isZero();
        }
    }

    @Test
    void aTornLastRecordIsCutAndTheCompleteOnesKept() throws IOException {
        Packet.Data a = message(DEST, 100);
        try (MessageStore s = MessageStore.open(dir, StoreConfig.defaults())) {
            s.put(a, 0);
            s.put(message(DEST, 300), 0);
        }
        Path log = dir.resolve("messages.log");
        long size = Files.size(log);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(size - 50); // a crash in the middle of the second append
        }
        try (MessageStore s = MessageStore.open(dir, StoreConfig.defaults())) {
            assertThat(s.count()).isEqualTo(1);
            assertThat(s.pendingFor(DEST).get(0).id()).isEqualTo(a.id());
            s.put(message(DEST, 20), 0); // appends after the cut, readable on the next open
        }
        try (MessageStore s = MessageStore.open(dir, StoreConfig.defaults())) {
            assertThat(s.count()).isEqualTo(2);
        }
    }

    @Test
    void aCorruptRecordEndsTheReplayThere() throws IOException {
        try (MessageStore s = MessageStore.open(dir, StoreConfig.defaults())) {
            s.put(message(DEST, 100), 0);
            s.put(message(DEST, 100), 0);
        }
        Path log = dir.resolve("messages.log");
        byte[] bytes = Files.readAllBytes(log);
        bytes[bytes.length - 10] ^= 1; // flips a payload bit of the second record: its CRC fails
        Files.write(log, bytes);
        try (MessageStore s = MessageStore.open(dir, StoreConfig.defaults())) {
            assertThat(s.count()).isEqualTo(1);
        }
    }

    @Test
    void messagesExpireAfterTheirLifetimeAndAreCounted() throws IOException {
        StoreConfig config = StoreConfig.defaults().withLifetime(Duration.ofHours(1));
        try (MessageStore s = MessageStore.open(dir, config)) {
            s.put(message(DEST, 10), 0);
            s.put(message(DEST, 10), 30 * 60_000);
            assertThat(s.expire(60 * 60_000 - 1)).isZero();
            assertThat(s.expire(60 * 60_000)).isEqualTo(1);
            assertThat(s.count()).isEqualTo(1);
            assertThat(s.stats().expired()).isEqualTo(1);
        }
    }

    @Test
    void theDefaultLifetimeIsSevenDays() {
        assertThat(StoreConfig.defaults().lifetime()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void overTheSizeCapTheOldestAreDroppedFirstAndCounted() throws IOException {
        try (MessageStore s = MessageStore.open(dir, StoreConfig.defaults().withMaxBytes(1000))) {
            Packet.Data first = message(DEST, 400);
            Packet.Data second = message(OTHER, 400);
            Packet.Data third = message(DEST, 400);
            s.put(first, 0);
            s.put(second, 1);
            s.put(third, 2);
            assertThat(s.holds(first.id())).isFalse();
            assertThat(s.holds(second.id())).isTrue();
            assertThat(s.holds(third.id())).isTrue();
            assertThat(s.heldBytes()).isEqualTo(800);
            assertThat(s.stats().droppedForSpace()).isEqualTo(1);
            assertThat(s.put(message(DEST, 1001), 3)).as("larger than the whole store").isFalse();
            assertThat(s.stats().refusedTooLarge()).isEqualTo(1);
        }
    }

    @Test
    void compactionKeepsEveryLiveMessageReadable() throws IOException {
        Packet.Data keep = message(DEST, 1000);
        try (MessageStore s = MessageStore.open(dir, StoreConfig.defaults().withSync(false))) {
            s.put(keep, 0);
            for (int i = 0; i < 3000; i++) {
                Packet.Data m = message(OTHER, 1000);
                s.put(m, 0);
                s.remove(m.id());
            }
            assertThat(Files.size(dir.resolve("messages.log"))).as("compacted").isLessThan(2_500_000);
            assertThat(s.pendingFor(DEST).get(0).payload()).isEqualTo(keep.payload());
        }
        try (MessageStore s = MessageStore.open(dir, StoreConfig.defaults())) {
            assertThat(s.count()).isEqualTo(1);
            assertThat(s.pendingFor(DEST).get(0).payload()).isEqualTo(keep.payload());
        }
    }

    @Test
    void inFlightMessagesAreNotOfferedAgainUntilReleased() throws IOException {
        try (MessageStore s = MessageStore.open(dir, StoreConfig.defaults())) {
            Packet.Data a = message(DEST, 10);
            s.put(a, 0);
            s.markInFlight(a.id(), true);
            assertThat(s.pendingFor(DEST)).isEmpty();
            s.markInFlight(a.id(), false);
            assertThat(s.pendingFor(DEST)).hasSize(1);
        }
    }
}
