package dev.starling.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The memory of used transaction IDs ({@link KnownTxns}, {@link TxnFingerprints}) without a store. */
class KnownTxnsTest {
    private static TxnKey key(String device, String txnId) {
        return new TxnKey(UserId.parse("@alice:example.org"), new DeviceId(device),
                RoomId.parse("!room:example.org"), txnId);
    }

    private static List<String> ids(String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }

    @Test
    void storedQueuedAndUsedIdsMayHaveBeenUsedAndOthersAreNew() {
        KnownTxns known = new KnownTxns(100, 1_000);
        TxnKey probe = key("D1", "new");
        assertThat(known.loaded(probe)).isFalse();
        assertThat(known.mayHaveBeenUsed(probe)).as("not loaded: not known to be new").isTrue();

        known.load(probe, List.of(key("D1", "queued"), key("D2", "queuedElsewhere")), List.of("s1", "s2"));

        assertThat(known.loaded(probe)).isTrue();
        assertThat(known.mayHaveBeenUsed(key("D1", "s1"))).isTrue();
        assertThat(known.mayHaveBeenUsed(key("D1", "queued"))).isTrue();
        assertThat(known.mayHaveBeenUsed(probe)).isFalse();
        assertThat(known.mayHaveBeenUsed(key("D1", "queuedElsewhere"))).as("another device's queue").isFalse();
        known.used(probe);
        assertThat(known.mayHaveBeenUsed(probe)).isTrue();
        assertThat(known.size()).isEqualTo(4);
        assertThat(known.loaded(key("D2", "x"))).as("another device is another scope").isFalse();
    }

    @Test
    void aScopeWithMoreStoredIdsThanKeptIsAlwaysLookedUp() {
        KnownTxns known = new KnownTxns(3, 1_000);
        TxnKey probe = key("D1", "new");
        known.load(probe, List.of(), ids("s", 4));
        assertThat(known.loaded(probe)).isTrue();
        assertThat(known.mayHaveBeenUsed(probe)).isTrue();
        assertThat(known.size()).isEqualTo(1);
    }

    @Test
    void overTheLimitTheScopesUsedLeastRecentlyAreDroppedAndTheOthersKept() {
        KnownTxns known = new KnownTxns(100, 100);
        for (int d = 0; d < 4; d++) {
            known.load(key("D" + d, "x"), List.of(), ids("s", 20));
        }
        // D0 is used again, so D1 is now the scope used least recently.
        assertThat(known.mayHaveBeenUsed(key("D0", "fresh"))).isFalse();
        assertThat(known.size()).isEqualTo(80);

        known.load(key("D4", "x"), List.of(), ids("s", 30)); // 110 > 100: dropped down to 75 or fewer

        assertThat(known.loaded(key("D1", "x"))).isFalse();
        assertThat(known.loaded(key("D2", "x"))).isFalse();
        assertThat(known.loaded(key("D0", "x"))).isTrue();
        assertThat(known.loaded(key("D3", "x"))).isTrue();
        assertThat(known.loaded(key("D4", "x"))).isTrue();
        assertThat(known.size()).isEqualTo(70);
        // A dropped scope is not known: it loads again before its next send is decided.
        assertThat(known.mayHaveBeenUsed(key("D1", "fresh"))).isTrue();
    }

    @Test
    void manyScopesTakenInTurnAreNotReloadedOnceTheyFit() {
        // The load of 100 users sending in turn: once every scope is loaded nothing is dropped.
        KnownTxns known = new KnownTxns(1_000, 100_000);
        for (int round = 0; round < 50; round++) {
            for (int d = 0; d < 100; d++) {
                TxnKey key = key("D" + d, "r" + round);
                if (!known.loaded(key)) {
                    assertThat(round).as("scope D%d loaded again", d).isZero();
                    known.load(key, List.of(), ids("old", 500));
                }
                assertThat(known.mayHaveBeenUsed(key)).isFalse();
                known.used(key);
            }
        }
        assertThat(known.size()).isEqualTo(100 * 550);
    }

    @Test
    void fingerprintsHoldExactlyWhatWasAdded() {
        Random random = new Random(7);
        TxnFingerprints set = new TxnFingerprints(0);
        Set<Long> reference = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            long fingerprint = TxnFingerprints.of("m" + random.nextInt(30_000) + "." + i % 7);
            assertThat(set.add(fingerprint)).isEqualTo(reference.add(fingerprint));
        }
        assertThat(set.size()).isEqualTo(reference.size());
        for (int i = 0; i < 40_000; i++) {
            long fingerprint = TxnFingerprints.of("m" + i + "." + i % 7);
            assertThat(set.contains(fingerprint)).isEqualTo(reference.contains(fingerprint));
        }
    }

    @Test
    void fingerprintsOfDistinctIdsDifferAndAreNeverZero() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            long fingerprint = TxnFingerprints.of("m" + i + ".1");
            assertThat(fingerprint).isNotZero();
            seen.add(fingerprint);
        }
        assertThat(seen).hasSize(100_000);
        assertThat(TxnFingerprints.of("é")).isNotEqualTo(TxnFingerprints.of("e"));
        assertThat(TxnFingerprints.of("")).isNotZero();
    }
}
