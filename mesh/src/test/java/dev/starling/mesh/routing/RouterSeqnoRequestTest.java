package dev.starling.mesh.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seqno requests travel toward the source only, and the new seqno travels back only to the neighbours that
 * asked: a seqno increase does not flood the mesh (RFC 8966 3.7.2 and 3.8.1.2).
 */
class RouterSeqnoRequestTest {
    private final Harness r = new Harness(0);
    private final Ed25519SeqnoAuth towardSource = TestKeys.auth(1);
    private final Ed25519SeqnoAuth asker = TestKeys.auth(2);
    private final Ed25519SeqnoAuth bystander = TestKeys.auth(3);
    private final Ed25519SeqnoAuth source = TestKeys.auth(4);

    RouterSeqnoRequestTest() {
        for (Ed25519SeqnoAuth n : List.of(towardSource, asker, bystander)) {
            r.up(n.self());
            r.announce(n, 0);
        }
        r.relay(towardSource.self(), source, 5, 1); // we route to the source via towardSource at metric 2
        for (Ed25519SeqnoAuth n : List.of(towardSource, asker, bystander)) {
            r.drain(n.self());
        }
    }

    private static List<Packet.RouteEntry> entries(List<Packet> packets, PeerKey source) {
        return packets.stream().filter(p -> p instanceof Packet.Update).flatMap(p -> ((Packet.Update) p).entries().stream())
                .filter(e -> e.source().equals(source)).toList();
    }

    @Test
    void aRequestForANewerSeqnoIsForwardedTowardTheSourceOnlyAndTheAnswerGoesOnlyToTheAsker() {
        r.from(asker.self(), new Packet.SeqnoRequest(source.self(), 6, 10));
        assertThat(r.drain(towardSource.self())).containsExactly(new Packet.SeqnoRequest(source.self(), 6, 9));
        assertThat(r.drain(bystander.self())).isEmpty();
        assertThat(r.drain(asker.self())).isEmpty();

        r.relay(towardSource.self(), source, 6, 1); // the source increased its seqno; same metric
        assertThat(r.router.route(source.self())).get().extracting(Route::seqno).isEqualTo(6);
        assertThat(entries(r.drain(asker.self()), source.self())).singleElement()
                .satisfies(e -> assertThat(e.seqno()).isEqualTo(6))
                .satisfies(e -> assertThat(e.metric()).isEqualTo(2))
                .satisfies(e -> assertThat(e.signature()).isNotNull());
        assertThat(r.drain(bystander.self())).as("a new seqno alone is not news").isEmpty();
    }

    @Test
    void aNodeWithAFreshEnoughRouteAnswersAtOnceAndForwardsNothing() {
        r.from(asker.self(), new Packet.SeqnoRequest(source.self(), 5, 10));
        assertThat(entries(r.drain(asker.self()), source.self())).singleElement()
                .satisfies(e -> assertThat(e.seqno()).isEqualTo(5));
        assertThat(r.drain(towardSource.self())).isEmpty();
        assertThat(r.drain(bystander.self())).isEmpty();
    }

    @Test
    void aRequestFromOurOwnNextHopIsNotAnsweredWithTheRouteThroughIt() {
        r.from(towardSource.self(), new Packet.SeqnoRequest(source.self(), 5, 10));
        assertThat(entries(r.drain(towardSource.self()), source.self())).isEmpty();
    }

    @Test
    void aMetricChangeStillGoesToEveryNeighbourExceptTheNextHop() {
        r.relay(towardSource.self(), source, 5, 3);
        assertThat(r.router.route(source.self())).isEmpty(); // (5, 4) is infeasible against FD (5, 2)
        r.relay(towardSource.self(), source, 7, 3);
        assertThat(entries(r.drain(asker.self()), source.self())).last()
                .satisfies(e -> assertThat(e.seqno()).isEqualTo(7))
                .satisfies(e -> assertThat(e.metric()).isEqualTo(4));
        assertThat(entries(r.drain(bystander.self()), source.self())).last()
                .satisfies(e -> assertThat(e.metric()).isEqualTo(4));
        assertThat(entries(r.drain(towardSource.self()), source.self())).allSatisfy(e -> assertThat(e.retraction()).isTrue());
    }

    @Test
    void theSourceAnswersOnlyTheAskerWhenItIncreasesItsSeqno() {
        int before = r.router.ownSeqno();
        r.from(asker.self(), new Packet.SeqnoRequest(r.self(), (before + 1) & 0xFFFF, 10));
        assertThat(r.router.ownSeqno()).isEqualTo((before + 1) & 0xFFFF);
        assertThat(entries(r.drain(asker.self()), r.self())).singleElement()
                .satisfies(e -> assertThat(e.seqno()).isEqualTo(r.router.ownSeqno()));
        assertThat(r.drain(bystander.self())).isEmpty();
        assertThat(r.drain(towardSource.self())).isEmpty();
    }

    @Test
    void summariesCoverWhatEachNeighbourWasToldSoNoDumpIsNeeded() {
        r.from(asker.self(), new Packet.SeqnoRequest(source.self(), 6, 10));
        r.relay(towardSource.self(), source, 6, 1);
        r.advance(RoutingConfig.defaults().summaryIntervalMillis());
        List<Packet> toBystander = r.drain(bystander.self());
        assertThat(toBystander).filteredOn(p -> p instanceof Packet.Summary).isNotEmpty();
        // The bystander was told seqno 5 and its summary says so: it will not ask for a dump.
        Adjacency.Digest d = new Adjacency.Digest();
        java.util.TreeMap<PeerKey, int[]> told = new java.util.TreeMap<>();
        told.put(r.self(), new int[] {r.router.ownSeqno(), 0});
        told.put(towardSource.self(), new int[] {0, 1});
        told.put(asker.self(), new int[] {0, 1});
        told.put(source.self(), new int[] {5, 2});
        told.forEach((k, v) -> d.add(k, v[0], v[1]));
        assertThat(toBystander).contains(new Packet.Summary(4, d.value()));
    }
}
