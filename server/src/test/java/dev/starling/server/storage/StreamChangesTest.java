package dev.starling.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamChanges}: a reader that took its cut after a commit always learns of the change, whatever the
 * interleaving; nothing before the floor (an earlier process) is ever reported as unchanged; forgettable keys
 * stay bounded, and a forgotten change is still reported.
 */
class StreamChangesTest {
    record Named(String id) implements StreamChanges.Forgettable {}

    @Test
    void unchangedBetweenLooksPastAChangeBeyondTheCut() {
        StreamChanges changes = new StreamChanges(10);
        changes.record("room", 20);
        changes.record("room", 25); // a transaction still running, past the reader's cut of 23
        assertThat(changes.unchangedSince("room", 21)).isFalse();
        assertThat(changes.unchangedBetween("room", 21, 23)).as("only 25 is after 21, and it is past 23").isTrue();
        assertThat(changes.unchangedBetween("room", 19, 23)).as("20 is in (19, 23]").isFalse();
        assertThat(changes.unchangedBetween("room", 21, 25)).isFalse();
        assertThat(changes.unchangedBetween("room", 25, 30)).isTrue();
        assertThat(changes.unchangedBetween("other", 11, 30)).isTrue();
        assertThat(changes.unchangedBetween("other", 9, 30)).as("before the floor: unknown").isFalse();
        changes.record("room", 22); // recorded out of order (PostgreSQL's writers)
        assertThat(changes.unchangedBetween("room", 21, 23)).isFalse();
        assertThat(changes.lastChange("room")).isEqualTo(25);
    }

    @Test
    void unchangedBetweenAnswersAsTheWholeHistoryWould() {
        Random random = new Random(20261125);
        for (int round = 0; round < 2_000; round++) {
            StreamChanges changes = new StreamChanges(0, 2);
            Map<Object, TreeSet<Long>> history = new HashMap<>();
            for (int i = 0; i < 12; i++) {
                Object key = random.nextBoolean() ? "room" + random.nextInt(2) : new Named("e" + random.nextInt(3));
                long position = 1 + random.nextInt(40);
                changes.record(key, position);
                history.computeIfAbsent(key, k -> new TreeSet<>()).add(position);
                Object asked = random.nextBoolean() ? "room" + random.nextInt(2)
                        : new Named("e" + random.nextInt(3));
                long after = random.nextInt(40);
                long upTo = after + random.nextInt(10);
                TreeSet<Long> known = history.getOrDefault(asked, new TreeSet<>());
                boolean truth = known.subSet(after, false, upTo, true).isEmpty();
                if (changes.unchangedBetween(asked, after, upTo)) {
                    assertThat(truth).as("round %d: %s in (%d, %d] of %s", round, asked, after, upTo, known).isTrue();
                } else if (!(asked instanceof Named)) {
                    // Never forgotten: it knows when no change, or only one past the cut, follows after.
                    SortedSet<Long> later = known.tailSet(after, false);
                    boolean knowable = later.isEmpty() || later.size() == 1 && later.first() > upTo;
                    assertThat(knowable).as("round %d: %s in (%d, %d] of %s", round, asked, after, upTo, known)
                            .isFalse();
                }
            }
        }
    }

    @Test
    void forgettableKeysPastTheLimitAreForgottenAndTheirPositionsReportedUnknown() {
        StreamChanges changes = new StreamChanges(10, 3);
        changes.record(new Named("a"), 11);
        changes.record(new Named("b"), 12);
        changes.record(new Named("b"), 13);
        changes.record(new Named("c"), 12);
        changes.record("room", 14);
        assertThat(changes.lastChange(new Named("b"))).isEqualTo(13);
        assertThat(changes.knownSince(new Named("a"))).as("three keys: none forgotten").isEqualTo(10);
        assertThat(changes.unchangedSince(new Named("a"), 11)).isTrue();

        changes.record(new Named("d"), 15);
        for (String id : List.of("a", "b", "c", "d")) {
            assertThat(changes.lastChange(new Named(id))).as(id).isEqualTo(Long.MIN_VALUE);
            assertThat(changes.knownSince(new Named(id))).as(id).isEqualTo(15);
        }
        assertThat(changes.unchangedSince(new Named("a"), 11)).as("forgotten: unknown, so changed").isFalse();
        assertThat(changes.unchangedSince(new Named("never"), 14)).isFalse();
        assertThat(changes.unchangedSince(new Named("never"), 15)).isTrue();
        assertThat(changes.lastChange("room")).as("a bounded key is kept").isEqualTo(14);
        assertThat(changes.knownSince("room")).isEqualTo(10);

        changes.record(new Named("e"), 16);
        assertThat(changes.lastChange(new Named("e"))).isEqualTo(16);
        assertThat(changes.unchangedSince(new Named("e"), 15)).isFalse();
        assertThat(changes.knownSince(new Named("e"))).as("one key again: kept").isEqualTo(15);
        assertThatThrownBy(() -> new StreamChanges(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Writers record forgettable keys at rising positions with a limit of eight, so keys are forgotten all
     * the time, while readers check keys already recorded: each must be reported changed at its position,
     * either as the key's last change or by {@link StreamChanges#knownSince} covering it.
     */
    @Test
    void aRecordedForgettableChangeIsNeverLostWhileKeysAreForgotten() throws Exception {
        record Recorded(Named key, long position) {}
        StreamChanges changes = new StreamChanges(0, 8);
        AtomicLong positions = new AtomicLong();
        ConcurrentLinkedQueue<Recorded> recorded = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger checks = new AtomicInteger();
        ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    Named key = new Named(writer + "/" + (i % 50));
                    long p = positions.incrementAndGet();
                    changes.record(key, p);
                    recorded.add(new Recorded(key, p));
                }
            }));
        }
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    for (Recorded known : recorded) {
                        long last = changes.lastChange(known.key());
                        long since = changes.knownSince(known.key());
                        if (last < known.position() && since < known.position()) {
                            lost.add(known + " last " + last + " since " + since);
                        }
                        checks.incrementAndGet();
                        recorded.poll();
                        break;
                    }
                }
            }));
        }
        for (Thread thread : writers) {
            thread.join();
        }
        stop.set(true);
        for (Thread thread : readers) {
            thread.join();
        }
        assertThat(lost).isEmpty();
        assertThat(checks.get()).as("the readers did check").isGreaterThan(1000);
        assertThat(changes.knownSince(new Named("x"))).as("keys were forgotten").isPositive();
    }

    @OnEveryDatabase
    void aChangeInATransactionIsKnownAndNothingBeforeTheFloorIs(Backend backend) {
        try (TestDatabase t = backend.create()) {
            Database db = t.db();
            long floor = db.changes().floor();
            assertThat(floor).isEqualTo(db.read(StreamPositions::current));
            assertThat(db.changes().unchangedSince("k", floor)).as("nothing written since opening").isTrue();
            assertThat(db.changes().unchangedSince("k", floor - 1)).as("before the floor: unknown").isFalse();

            long p = db.inTransaction(c -> {
                long position = StreamPositions.next(c);
                StreamChanges.touch("k", position);
                return position;
            });
            assertThat(db.changes().unchangedSince("k", p - 1)).isFalse();
            assertThat(db.changes().unchangedSince("k", p)).isTrue();
            assertThat(db.changes().unchangedSince("other", p - 1)).isTrue();

            // A restart: the new process knows nothing of what came before it.
            Database reopened = t.reopen();
            assertThat(reopened.changes().floor()).isEqualTo(p);
            assertThat(reopened.changes().unchangedSince("k", p - 1)).isFalse();
            assertThat(reopened.changes().unchangedSince("other", p - 1)).isFalse();
            assertThat(reopened.changes().unchangedSince("k", p)).isTrue();
        }
    }

    @OnEveryDatabase
    void aTouchOutsideATransactionFailsAndARolledBackOneStays(Backend backend) {
        try (TestDatabase t = backend.create()) {
            Database db = t.db();
            assertThatThrownBy(() -> StreamChanges.touch("k", 1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> db.read(c -> {
                StreamChanges.touch("k", 1);
                return null;
            })).isInstanceOf(IllegalStateException.class);
            long floor = db.changes().floor();
            assertThatThrownBy(() -> db.inTransaction(c -> {
                StreamChanges.touch("k", StreamPositions.next(c));
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            // Conservative: the rolled-back change is still "maybe changed" (it only costs a read).
            assertThat(db.changes().unchangedSince("k", floor)).isFalse();
            assertThatThrownBy(() -> StreamChanges.touch("k", 1)).as("unbound again after the work")
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    /**
     * Eight writers commit positions under four keys while readers take cuts and ask, for each key, whether it
     * changed after their previous cut. Afterwards every committed change is checked against every answer: a
     * change inside a reader's {@code (after, cut]} must have made it answer "changed".
     */
    @OnEveryDatabase
    void concurrentWritersAreNeverMissedByAReaderCut(Backend backend) throws Exception {
        record Committed(String key, long position) {}
        record Answer(String key, long after, long cut, boolean unchanged) {}
        try (TestDatabase t = backend.create()) {
            Database db = t.db();
            ConcurrentLinkedQueue<Committed> committed = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch writersDone = new CountDownLatch(8);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                String key = "k" + (w % 4);
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < 40; i++) {
                            long p = db.inTransaction(c -> {
                                long position = StreamPositions.next(c);
                                StreamChanges.touch(key, position);
                                return position;
                            });
                            committed.add(new Committed(key, p));
                        }
                    } finally {
                        writersDone.countDown();
                    }
                }));
            }
            for (int r = 0; r < 3; r++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    long after = db.changes().floor();
                    for (int i = 0; i < 3000 && !stop.get(); i++) {
                        long cut = db.read(StreamPositions::current);
                        for (int k = 0; k < 4; k++) {
                            answers.add(new Answer("k" + k, after, cut, db.changes().unchangedSince("k" + k, after)));
                        }
                        after = cut;
                    }
                }));
            }
            writersDone.await();
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(committed).hasSize(320);
            assertThat(answers).isNotEmpty();
            long unchangedAnswers = 0;
            for (Answer a : answers) {
                boolean changedInCut = committed.stream().anyMatch(c -> c.key().equals(a.key())
                        && c.position() > a.after() && c.position() <= a.cut());
                if (changedInCut) {
                    assertThat(a.unchanged()).as("%s changed in (%d, %d]", a.key(), a.after(), a.cut()).isFalse();
                }
                if (a.unchanged()) {
                    unchangedAnswers++;
                }
            }
            assertThat(unchangedAnswers).as("the readers did skip sometimes").isPositive();
        }
    }
}
