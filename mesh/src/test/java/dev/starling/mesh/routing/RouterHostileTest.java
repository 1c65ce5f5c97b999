package dev.starling.mesh.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Route advertisements that would create a loop or a black hole are not installed (issue 6, hostile input). */
class RouterHostileTest {
    private final Harness r = new Harness(0);
    private final Ed25519SeqnoAuth honest = TestKeys.auth(1);
    private final Ed25519SeqnoAuth hostile = TestKeys.auth(2);
    private final Ed25519SeqnoAuth victim = TestKeys.auth(3);

    RouterHostileTest() {
        r.up(honest.self());
        r.up(hostile.self());
        r.announce(honest, 0);
        r.announce(hostile, 0);
    }

    @Test
    void aNeighbourClaimingMetricZeroToAnotherNodeIsRefused() {
        r.relay(hostile.self(), victim, 0, 0);
        assertThat(r.router.route(victim.self())).isEmpty();
        assertThat(r.router.stats().rejectedRoutes()).isEqualTo(1);
    }

    @Test
    void aSeqnoTheSourceNeverSignedIsRefusedAndTheHonestRouteStays() {
        r.relay(honest.self(), victim, 5, 1);
        assertThat(r.router.route(victim.self())).get().extracting(Route::nextHop).isEqualTo(honest.self());
        // A newer seqno would win over any metric: the hostile node signs it with its own key.
        r.from(hostile.self(), new Packet.Update(List.of(new Packet.RouteEntry(victim.self(), 6, 1, hostile.signOwn(6)))));
        assertThat(r.router.route(victim.self())).get().extracting(Route::nextHop, Route::seqno)
                .containsExactly(honest.self(), 5);
        r.from(hostile.self(), new Packet.Update(List.of(new Packet.RouteEntry(victim.self(), 6, 1, new byte[64]))));
        assertThat(r.router.route(victim.self())).get().extracting(Route::nextHop).isEqualTo(honest.self());
        assertThat(r.router.stats().rejectedRoutes()).isEqualTo(2);
    }

    @Test
    void aMetricAtOrBeyondTheHopLimitIsRefused() {
        r.relay(hostile.self(), victim, 0, Packet.MAX_HOPS);
        r.relay(hostile.self(), victim, 0, 60_000);
        assertThat(r.router.route(victim.self())).isEmpty();
        assertThat(r.router.stats().rejectedRoutes()).isEqualTo(2);
    }

    @Test
    void aNeighbourAdvertisingItselfFartherThanZeroIsRefused() {
        r.from(hostile.self(), new Packet.Update(List.of(new Packet.RouteEntry(hostile.self(), 1, 3, hostile.signOwn(1)))));
        assertThat(r.router.stats().rejectedRoutes()).isEqualTo(1);
        // The refused entry replaces the neighbour's earlier one: no route at the impossible metric.
        assertThat(r.router.route(hostile.self())).isEmpty();
    }

    @Test
    void aRouteToOurselvesIsNeverInstalled() {
        r.from(hostile.self(), new Packet.Update(List.of(new Packet.RouteEntry(r.self(), 0, 1, r.auth.signOwn(0)))));
        assertThat(r.router.route(r.self())).isEmpty();
    }

    @Test
    void anInfeasibleRouteThatWouldLoopIsNotInstalledAndANewSeqnoIsRequested() {
        // Honest neighbour N reaches S at metric 1; we select it and advertise S at metric 2: FD = (5, 2).
        r.relay(honest.self(), victim, 5, 1);
        assertThat(r.router.route(victim.self())).get().extracting(Route::metric).isEqualTo(2);
        // M (here: the "hostile" neighbour, or any neighbour whose route goes through us) offers S at metric 2.
        r.relay(hostile.self(), victim, 5, 2);
        r.drain(hostile.self());
        // N loses S. Taking M's route (5, 2 -> 3) would violate the feasibility condition: it may lead back to us.
        r.from(honest.self(), new Packet.Update(List.of(new Packet.RouteEntry(victim.self(), 5, Packet.INFINITY, null))));
        assertThat(r.router.route(victim.self())).isEmpty();
        r.advance(200);
        assertThat(r.drain(hostile.self())).anySatisfy(p -> assertThat(p).isEqualTo(
                new Packet.SeqnoRequest(victim.self(), 6, RoutingConfig.defaults().hopLimit())));
        // Equal seqno with a smaller metric than FD is feasible again; so is a newer seqno.
        r.relay(hostile.self(), victim, 6, 2);
        assertThat(r.router.route(victim.self())).get().extracting(Route::nextHop, Route::metric)
                .containsExactly(hostile.self(), 3);
    }

    @Test
    void malformedFramesAreDroppedCountedAndTheRouterKeepsWorking() {
        r.router.receive(hostile.self(), new byte[] {9, 9, 9}, r.now);
        r.router.receive(hostile.self(), new byte[PacketCodec.MAX_FRAME + 10], r.now);
        r.router.receive(hostile.self(), new byte[0], r.now);
        assertThat(r.router.stats().malformedDropped()).isEqualTo(3);
        r.relay(honest.self(), victim, 0, 1);
        assertThat(r.router.route(victim.self())).isPresent();
    }

    @Test
    void anEntryWithoutASignatureForAnUnknownSeqnoIsNotInstalledAndADumpIsRequested() {
        r.drain(hostile.self());
        r.from(hostile.self(), new Packet.Update(List.of(new Packet.RouteEntry(victim.self(), 4, 1, null))));
        assertThat(r.router.route(victim.self())).isEmpty();
        assertThat(r.drain(hostile.self())).contains(new Packet.DumpRequest());
    }

    @Test
    void dumpRequestsAreRateLimited() {
        r.drain(hostile.self());
        for (int i = 0; i < 50; i++) {
            r.from(hostile.self(), new Packet.DumpRequest());
        }
        assertThat(r.drain(hostile.self())).filteredOn(p -> p instanceof Packet.Update).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void inventedSourcesBeyondTheTableLimitAreRefused() {
        Harness small = new Harness(0, new RoutingConfig(30_000, 5_000, 100, 500, 32, 250, 4, 3));
        small.up(hostile.self());
        small.announce(hostile, 0);
        for (int i = 10; i < 20; i++) {
            small.relay(hostile.self(), TestKeys.auth(i), 0, 1);
        }
        assertThat(small.router.routes()).hasSize(3); // the neighbour and the first two invented sources
        assertThat(small.router.stats().rejectedRoutes()).isEqualTo(8);
    }

    @Test
    void aFloodOfSeqnoRequestsForOurOwnSourceIsRateLimited() {
        int before = r.router.ownSeqno();
        for (int i = 0; i < 100; i++) {
            r.from(hostile.self(), new Packet.SeqnoRequest(r.self(), (r.router.ownSeqno() + 1) & 0xFFFF, 1));
        }
        assertThat(r.router.ownSeqno() - before).isEqualTo(4);
        assertThat(r.router.stats().seqnoBumpsRefused()).isEqualTo(96);
        r.advance(1_000);
        r.from(hostile.self(), new Packet.SeqnoRequest(r.self(), (r.router.ownSeqno() + 1) & 0xFFFF, 1));
        assertThat(r.router.ownSeqno() - before).isEqualTo(5);
    }
}
