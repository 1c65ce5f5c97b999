package dev.starling.mesh.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hop-by-hop data forwarding: hop limit, acknowledgements, bounded retransmission, custody hand-back. */
class RouterForwardingTest {
    private final Harness r = new Harness(0);
    private final Ed25519SeqnoAuth left = TestKeys.auth(1);
    private final Ed25519SeqnoAuth right = TestKeys.auth(2);
    private final SplittableRandom random = new SplittableRandom(5);

    RouterForwardingTest() {
        r.up(left.self());
        r.up(right.self());
        r.announce(left, 0);
        r.announce(right, 0);
        r.drain(left.self());
        r.drain(right.self());
    }

    private Packet.Data data(long hopSeq, int hopLimit, PeerKey destination) {
        return new Packet.Data(hopSeq, hopLimit, MessageId.random(random), left.self(), destination, new byte[] {1, 2, 3});
    }

    @Test
    void aRelayAcknowledgesDecrementsTheHopLimitAndForwards() {
        r.from(left.self(), data(7, 5, right.self()));
        assertThat(r.drain(left.self())).containsExactly(new Packet.Ack(7));
        List<Packet> out = r.drain(right.self());
        assertThat(out).hasSize(1);
        assertThat(((Packet.Data) out.get(0)).hopLimit()).isEqualTo(4);
    }

    @Test
    void aPacketWhoseHopLimitRunsOutIsDroppedNotForwarded() {
        r.from(left.self(), data(1, 1, right.self()));
        assertThat(r.drain(left.self())).containsExactly(new Packet.Ack(1));
        assertThat(r.drain(right.self())).isEmpty();
        assertThat(r.router.stats().hopLimitDrops()).isEqualTo(1);
    }

    @Test
    void aRetransmittedDuplicateIsAcknowledgedAgainButDeliveredOnce() {
        Packet.Data d = data(3, 5, r.self());
        r.from(left.self(), d);
        r.from(left.self(), d);
        assertThat(r.drain(left.self())).containsExactly(new Packet.Ack(3), new Packet.Ack(3));
        assertThat(r.delivered).hasSize(1);
        assertThat(r.events).contains("deliver " + (RoutingConfig.defaults().hopLimit() - 5 + 1));
        assertThat(r.router.stats().duplicateData()).isEqualTo(1);
    }

    @Test
    void anUnacknowledgedPacketIsRetransmittedABoundedNumberOfTimesThenHandedBack() {
        assertThat(r.router.send(right.self(), MessageId.random(random), new byte[] {9}, r.now)).isTrue();
        assertThat(r.drain(right.self())).hasSize(1);
        r.advance(60_000);
        List<Packet> resent = r.drain(right.self()).stream().filter(p -> p instanceof Packet.Data).toList();
        assertThat(resent).hasSize(RoutingConfig.defaults().maxRetransmissions());
        assertThat(r.router.stats().retransmissions()).isEqualTo(RoutingConfig.defaults().maxRetransmissions());
        assertThat(r.undeliverable).hasSize(1);
        assertThat(r.router.stats().handedBack()).isEqualTo(1);
    }

    @Test
    void anAcknowledgementStopsRetransmissionAndPassesCustody() {
        r.router.send(right.self(), MessageId.random(random), new byte[] {9}, r.now);
        Packet.Data sent = (Packet.Data) r.drain(right.self()).get(0);
        r.from(right.self(), new Packet.Ack(sent.hopSeq()));
        r.advance(60_000);
        assertThat(r.drain(right.self())).noneMatch(p -> p instanceof Packet.Data);
        assertThat(r.events).contains("acked");
        assertThat(r.undeliverable).isEmpty();
    }

    @Test
    void withNoRouteSendReturnsFalseAndARelayedPacketIsHandedBack() {
        PeerKey nowhere = TestKeys.key(9);
        assertThat(r.router.send(nowhere, MessageId.random(random), new byte[0], r.now)).isFalse();
        r.from(left.self(), data(4, 5, nowhere));
        assertThat(r.undeliverable).hasSize(1);
        assertThat(r.undeliverable.get(0).hopLimit()).isEqualTo(4);
    }

    @Test
    void packetsInFlightOnALinkThatGoesDownAreHandedBack() {
        r.router.send(right.self(), MessageId.random(random), new byte[] {9}, r.now);
        r.router.neighbourDown(right.self(), r.now);
        assertThat(r.undeliverable).hasSize(1);
    }
}
