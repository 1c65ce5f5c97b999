package dev.starling.mesh.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Full dumps that span several frames (more than {@link Packet#MAX_UPDATE_ENTRIES} entries, so any mesh of more
 * than 64 nodes): the receiver forgets what the dump left out only when the dump has ended, never in between.
 * Forgetting at the first frame withdrew every route the later frames carried for a few milliseconds; the
 * retractions, starvation and seqno requests that followed spread through the mesh and kept 200 nodes from
 * settling (BENCHMARKS.md, "Scaling after the routing change").
 */
class RouterDumpTest {
    private static final int SOURCES = 100;

    private final Harness r = new Harness(0);
    private final Ed25519SeqnoAuth big = TestKeys.auth(1);
    private final Ed25519SeqnoAuth other = TestKeys.auth(2);
    private final List<Ed25519SeqnoAuth> sources = new ArrayList<>();

    RouterDumpTest() {
        for (int i = 0; i < SOURCES; i++) {
            sources.add(TestKeys.auth(10 + i));
        }
        for (Ed25519SeqnoAuth n : List.of(big, other)) {
            r.up(n.self());
            r.announce(n, 0);
        }
        for (Ed25519SeqnoAuth s : sources) {
            r.relay(big.self(), s, 0, 1);
        }
        r.drain(big.self());
        r.drain(other.self());
    }

    private static Packet.RouteEntry entry(Ed25519SeqnoAuth source, int metric) {
        return new Packet.RouteEntry(source.self(), 0, metric, source.signOwn(0));
    }

    /** {@code big}'s dump as it sends it: itself and the given sources, 64 entries a frame, the first one reset. */
    private List<Packet.Update> dumpOf(List<Ed25519SeqnoAuth> included) {
        List<Packet.RouteEntry> all = new ArrayList<>();
        all.add(entry(big, 0));
        for (Ed25519SeqnoAuth s : included) {
            all.add(entry(s, 1));
        }
        List<Packet.Update> frames = new ArrayList<>();
        for (int i = 0; i < all.size(); i += Packet.MAX_UPDATE_ENTRIES) {
            frames.add(new Packet.Update(i == 0, all.subList(i, Math.min(all.size(), i + Packet.MAX_UPDATE_ENTRIES))));
        }
        return frames;
    }

    private static List<Packet.RouteEntry> entries(List<Packet> packets) {
        return packets.stream().filter(p -> p instanceof Packet.Update).flatMap(p -> ((Packet.Update) p).entries().stream()).toList();
    }

    @Test
    void aDumpOfSeveralFramesWithdrawsNothingBetweenItsFrames() {
        List<Packet.Update> frames = dumpOf(sources);
        assertThat(frames).hasSize(2);
        r.from(big.self(), frames.get(0));
        assertThat(r.router.routes()).as("routes carried by the second frame are kept until it arrives").hasSize(SOURCES + 2);
        assertThat(r.drain(other.self())).as("no retractions, no seqno requests").isEmpty();
        r.from(big.self(), frames.get(1));
        r.advance(10_000);
        assertThat(r.router.routes()).hasSize(SOURCES + 2);
        assertThat(r.drain(other.self())).noneMatch(p -> p instanceof Packet.Update || p instanceof Packet.SeqnoRequest);
        assertThat(r.drain(big.self())).noneMatch(p -> p instanceof Packet.DumpRequest || p instanceof Packet.SeqnoRequest);
    }

    @Test
    void whatTheDumpLeftOutIsForgottenWhenItEnds() {
        Ed25519SeqnoAuth gone = sources.get(SOURCES - 1);
        List<Packet.Update> frames = dumpOf(sources.subList(0, SOURCES - 1));
        r.from(big.self(), frames.get(0));
        assertThat(r.router.route(gone.self())).isPresent();
        r.from(big.self(), frames.get(1));
        assertThat(r.router.route(gone.self())).isEmpty();
        assertThat(r.router.routes()).hasSize(SOURCES + 1);
        assertThat(entries(r.drain(other.self()))).singleElement()
                .satisfies(e -> assertThat(e.source()).isEqualTo(gone.self()))
                .satisfies(e -> assertThat(e.retraction()).isTrue());
    }

    @Test
    void aDumpThatNeverEndsIsEndedByTheNextSummary() {
        Ed25519SeqnoAuth gone = sources.get(SOURCES - 1);
        List<Packet.Update> frames = dumpOf(sources.subList(0, Packet.MAX_UPDATE_ENTRIES - 1)); // exactly 64: one full frame
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.entries()).hasSize(Packet.MAX_UPDATE_ENTRIES));
        r.from(big.self(), frames.get(0));
        assertThat(r.router.route(gone.self())).isPresent();
        r.from(big.self(), new Packet.Summary(0, 0));
        assertThat(r.router.route(gone.self())).isEmpty();
        assertThat(r.router.routes()).hasSize(Packet.MAX_UPDATE_ENTRIES + 1);
    }

    @Test
    void theSenderEndsEveryDumpWithAFrameOfFewerThan64Entries() {
        Harness s = new Harness(3);
        Ed25519SeqnoAuth relay = TestKeys.auth(4);
        s.up(relay.self());
        s.announce(relay, 0);
        for (Ed25519SeqnoAuth src : sources.subList(0, Packet.MAX_UPDATE_ENTRIES - 2)) {
            s.relay(relay.self(), src, 0, 1); // with relay and itself: 64 entries for another neighbour
        }
        Ed25519SeqnoAuth late = TestKeys.auth(5);
        s.up(late.self());
        List<Packet> dump = s.drain(late.self());
        assertThat(dump).hasSize(2);
        assertThat(((Packet.Update) dump.get(0)).reset()).isTrue();
        assertThat(((Packet.Update) dump.get(0)).entries()).hasSize(Packet.MAX_UPDATE_ENTRIES - 1);
        assertThat(((Packet.Update) dump.get(1)).reset()).isFalse();
        assertThat(((Packet.Update) dump.get(1)).entries()).hasSize(1);
    }
}
