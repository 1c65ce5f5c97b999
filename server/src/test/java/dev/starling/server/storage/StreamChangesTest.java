package dev.starling.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link StreamChanges}: a reader that took its cut after a commit always learns of the change, whatever the
 * interleaving; nothing before the floor (an earlier process) is ever reported as unchanged.
 */
class StreamChangesTest {

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
