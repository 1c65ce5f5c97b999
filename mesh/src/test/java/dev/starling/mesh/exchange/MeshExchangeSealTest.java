package dev.starling.mesh.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.identity.NodeIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * End-to-end signed exchanges ({@link ExchangeSeal}), as {@code starling node} uses over multi-hop routes: the
 * wire between the two sides plays a relay that can rewrite any payload. A relay's forged or altered answer is
 * refused (the caller fails at once with "answer refused", not with a forged status), an altered request is not
 * served, an unsigned peer is not understood, and a signature for another node does not pass.
 */
class MeshExchangeSealTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private final NodeIdentity aliceKey = NodeIdentity.generate();
    private final NodeIdentity bobKey = NodeIdentity.generate();
    private final NodeId alice = aliceKey.nodeId();
    private final NodeId bob = bobKey.nodeId();
    private final AtomicInteger served = new AtomicInteger();

    /** Delivers to the peer after {@code relay} (identity unless a test tampers). */
    private static final class Relay implements MeshSender {
        final NodeId self;
        MeshExchange peer;
        volatile UnaryOperator<byte[]> relay = UnaryOperator.identity();

        Relay(NodeId self) {
            this.self = self;
        }

        @Override
        public void send(NodeId node, byte[] payload) throws IOException {
            peer.onMessage(self, relay.apply(payload.clone()));
        }

        @Override
        public int maxPayload() {
            return 1000;
        }
    }

    private final Relay toBob = new Relay(alice);
    private final Relay toAlice = new Relay(bob);

    private MeshExchange[] pair(boolean aliceSigns, boolean bobSigns) {
        MeshExchange a = aliceSigns ? new MeshExchange(toBob, MeshExchange.Limits.defaults(), aliceKey)
                : new MeshExchange(toBob, MeshExchange.Limits.defaults());
        MeshExchange b = bobSigns ? new MeshExchange(toAlice, MeshExchange.Limits.defaults(), bobKey)
                : new MeshExchange(toAlice, MeshExchange.Limits.defaults());
        toBob.peer = b;
        toAlice.peer = a;
        b.serve((from, request) -> {
            served.incrementAndGet();
            return new MeshResponse(200, ("hi " + from.shortName() + " " + request.body().length)
                    .getBytes(StandardCharsets.UTF_8));
        });
        return new MeshExchange[] {a, b};
    }

    private static MeshRequest put(int size) {
        return new MeshRequest("PUT", "/_matrix/federation/v1/send/1", Map.of(), new byte[size]);
    }

    @Test
    void signedRequestsAndAnswersCrossInOneOrManyFragments() throws Exception {
        MeshExchange alicesSide = pair(true, true)[0];
        assertThat(new String(alicesSide.request(bob, put(3), WAIT, 100).body(), StandardCharsets.UTF_8))
                .isEqualTo("hi " + alice.shortName() + " 3");
        assertThat(new String(alicesSide.request(bob, put(5000), WAIT, 100).body(), StandardCharsets.UTF_8))
                .isEqualTo("hi " + alice.shortName() + " 5000");
    }

    @Test
    void anAnswerAlteredOnTheWayIsRefusedAtOnce() throws Exception {
        MeshExchange alicesSide = pair(true, true)[0];
        // The relay turns the 200 into a 403 (status: the first two bytes after the 14-byte fragment header).
        toAlice.relay = payload -> {
            payload[14] = 1;
            payload[15] = (byte) 0x93;
            return payload;
        };
        long start = System.nanoTime();
        assertThatThrownBy(() -> alicesSide.request(bob, put(3), WAIT, 100)).isInstanceOf(ExchangeException.class)
                .hasMessageContaining("answer refused: bad signature");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(WAIT.toMillis());
        assertThat(served).hasValue(1);
    }

    @Test
    void anAnswerForgedByARelayWithItsOwnKeyIsRefused() throws Exception {
        MeshExchange alicesSide = pair(true, true)[0];
        NodeIdentity relayKey = NodeIdentity.generate();
        toAlice.relay = payload -> {
            // Re-seal the answer's 6-byte message as a 404 with the relay's key: the signature does not verify
            // with Bob's key.
            byte[] forgedMessage = {1, (byte) 0x94, 0, 0, 0, 0};
            byte[] sealed = ExchangeSeal.seal(relayKey, payload[1], java.nio.ByteBuffer.wrap(payload, 2, 8).getLong(),
                    alice, forgedMessage);
            byte[] out = new byte[14 + sealed.length];
            System.arraycopy(payload, 0, out, 0, 14);
            System.arraycopy(sealed, 0, out, 14, sealed.length);
            return out;
        };
        assertThatThrownBy(() -> alicesSide.request(bob, put(3), WAIT, 100)).isInstanceOf(ExchangeException.class)
                .hasMessageContaining("bad signature");
    }

    @Test
    void anAlteredRequestIsNotServed() {
        MeshExchange alicesSide = pair(true, true)[0];
        toBob.relay = payload -> {
            payload[payload.length - 70] ^= 1; // inside the request, before the signature
            return payload;
        };
        assertThatThrownBy(() -> alicesSide.request(bob, put(3), Duration.ofMillis(500), 100))
                .isInstanceOf(ExchangeException.class).hasMessageContaining("no answer");
        assertThat(served).hasValue(0);
    }

    @Test
    void anUnsignedPeerIsNotUnderstoodBySignedOne() {
        MeshExchange alicesSide = pair(false, true)[0];
        assertThatThrownBy(() -> alicesSide.request(bob, put(3), Duration.ofMillis(500), 100))
                .isInstanceOf(ExchangeException.class).hasMessageContaining("no answer");
        assertThat(served).hasValue(0);
    }

    @Test
    void aSignatureMadeForAnotherRecipientDoesNotPass() throws Exception {
        // Bob's answer to Alice, replayed by a relay to Carol as if Carol had asked with the same ID.
        NodeIdentity carolKey = NodeIdentity.generate();
        byte[] sealedForAlice = ExchangeSeal.seal(bobKey, ExchangeCodec.KIND_RESPONSE, 42, alice, new byte[] {0, (byte) 200, 0, 0, 0, 0});
        assertThatThrownBy(() -> ExchangeSeal.open(bob, ExchangeCodec.KIND_RESPONSE, 42, carolKey.nodeId(), sealedForAlice))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("bad signature");
        assertThatThrownBy(() -> ExchangeSeal.open(bob, ExchangeCodec.KIND_REQUEST, 42, alice, sealedForAlice))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("bad signature");
        assertThatThrownBy(() -> ExchangeSeal.open(bob, ExchangeCodec.KIND_RESPONSE, 43, alice, sealedForAlice))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("bad signature");
        assertThat(ExchangeSeal.open(bob, ExchangeCodec.KIND_RESPONSE, 42, alice, sealedForAlice)).hasSize(6);
    }
}
