package dev.starling.mesh.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.identity.NodeIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MeshExchangeTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private final NodeId alice = NodeIdentity.generate().nodeId();
    private final NodeId bob = NodeIdentity.generate().nodeId();

    /** Two exchanges joined by memory: whatever one sends to the other's node is delivered at once. */
    private final class Wire implements MeshSender {
        final NodeId self;
        MeshExchange peer;
        NodeId peerId;
        final List<byte[]> sent = new ArrayList<>();

        Wire(NodeId self) {
            this.self = self;
        }

        @Override
        public void send(NodeId node, byte[] payload) throws IOException {
            if (!node.equals(peerId)) {
                throw new IOException("no link");
            }
            assertThat(payload.length).isLessThanOrEqualTo(maxPayload());
            synchronized (sent) {
                sent.add(payload);
            }
            peer.onMessage(self, payload);
        }

        @Override
        public int maxPayload() {
            return 1000;
        }
    }

    private final Wire aliceWire = new Wire(alice);
    private final Wire bobWire = new Wire(bob);
    private final MeshExchange aliceSide = new MeshExchange(aliceWire, MeshExchange.Limits.defaults());
    private final MeshExchange bobSide = new MeshExchange(bobWire,
            new MeshExchange.Limits(64 * 1024, Duration.ofSeconds(30), 4, 4));

    MeshExchangeTest() {
        aliceWire.peer = bobSide;
        aliceWire.peerId = bob;
        bobWire.peer = aliceSide;
        bobWire.peerId = alice;
    }

    private static MeshRequest put(byte[] body) {
        return new MeshRequest("PUT", "/_matrix/federation/v1/send/1?x=%C3%A9",
                Map.of("Authorization", "X-Matrix origin=\"a\"", "Content-Type", "application/json"), body);
    }

    @Test
    void aRequestAndItsAnswerCrossInOneFragmentEach() throws Exception {
        bobSide.serve((from, request) -> {
            assertThat(from).isEqualTo(alice);
            assertThat(request.headers()).containsEntry("Authorization", "X-Matrix origin=\"a\"");
            return new MeshResponse(200, (request.method() + " " + request.uri() + " "
                    + new String(request.body(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        });
        MeshResponse answer = aliceSide.request(bob, put("{}".getBytes(StandardCharsets.UTF_8)), WAIT, 1000);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8))
                .isEqualTo("PUT /_matrix/federation/v1/send/1?x=%C3%A9 {}");
        assertThat(aliceWire.sent).hasSize(1);
    }

    @Test
    void largeMessagesAreFragmentedBothWaysAndReassembledExactly() throws Exception {
        byte[] big = new byte[50_000];
        new java.util.Random(7).nextBytes(big);
        bobSide.serve((from, request) -> new MeshResponse(201, reversed(request.body())));
        MeshResponse answer = aliceSide.request(bob, put(big), WAIT, 100_000);
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.body()).isEqualTo(reversed(big));
        assertThat(aliceWire.sent.size()).isGreaterThan(50);
        assertThat(bobWire.sent.size()).isGreaterThan(50);
    }

    @Test
    void anAnswerOverTheCallersLimitFailsTheRequest() {
        bobSide.serve((from, request) -> new MeshResponse(200, new byte[5000]));
        assertThatThrownBy(() -> aliceSide.request(bob, put(new byte[0]), WAIT, 1000))
                .isInstanceOf(ExchangeException.class).hasMessageContaining("over the limit");
    }

    @Test
    void aRequestOverTheServersLimitIsDroppedAndTimesOut() {
        AtomicInteger served = new AtomicInteger();
        bobSide.serve((from, request) -> {
            served.incrementAndGet();
            return new MeshResponse(200, new byte[0]);
        });
        assertThatThrownBy(() -> aliceSide.request(bob, put(new byte[70_000]), Duration.ofMillis(300), 1000))
                .isInstanceOf(ExchangeException.class).hasMessageContaining("no answer");
        assertThat(served).hasValue(0);
    }

    @Test
    void anUnreachableNodeFailsAtOnce() {
        NodeId carol = NodeIdentity.generate().nodeId();
        assertThatThrownBy(() -> aliceSide.request(carol, put(new byte[0]), WAIT, 1000))
                .isInstanceOf(ExchangeException.class).hasMessageContaining("unreachable");
    }

    @Test
    void aHandlerThatThrowsAnswers500() throws Exception {
        bobSide.serve((from, request) -> {
            throw new IllegalStateException("boom");
        });
        assertThat(aliceSide.request(bob, put(new byte[0]), WAIT, 1000).status()).isEqualTo(500);
    }

    @Test
    void malformedFragmentsAreDroppedWithoutAnswerOrCrash() {
        AtomicInteger served = new AtomicInteger();
        bobSide.serve((from, request) -> {
            served.incrementAndGet();
            return new MeshResponse(200, new byte[0]);
        });
        byte[] good = ExchangeCodec.encodeRequest(put(new byte[3]));
        List<byte[]> bad = new ArrayList<>();
        bad.add(new byte[0]);
        bad.add(new byte[] {ExchangeCodec.CHANNEL});
        bad.add(header((byte) 9, 1, 0, 1, good));                        // unknown kind
        bad.add(header(ExchangeCodec.KIND_REQUEST, 2, 1, 1, good));      // index >= count
        bad.add(header(ExchangeCodec.KIND_REQUEST, 3, 0, 0, good));      // count 0
        bad.add(header(ExchangeCodec.KIND_REQUEST, 4, 0, 1, Arrays.copyOf(good, good.length - 1))); // truncated
        bad.add(header(ExchangeCodec.KIND_REQUEST, 5, 0, 1, Arrays.copyOf(good, good.length + 1))); // trailing
        byte[] badUtf8 = good.clone();
        badUtf8[1 + 3 + 2 + 1] = (byte) 0xC3; // inside the URI, a lone lead byte before ASCII
        bad.add(header(ExchangeCodec.KIND_REQUEST, 6, 0, 1, badUtf8));
        byte[] lowerMethod = good.clone();
        lowerMethod[1] = 'p';
        bad.add(header(ExchangeCodec.KIND_REQUEST, 7, 0, 1, lowerMethod));
        bad.add(header(ExchangeCodec.KIND_RESPONSE, 8, 0, 1, new byte[] {0, (byte) 200, 0, 0, 0, 0})); // unasked
        for (byte[] payload : bad) {
            bobSide.onMessage(alice, payload);
        }
        // A fragment repeated: the message is dropped.
        bobSide.onMessage(alice, header(ExchangeCodec.KIND_REQUEST, 10, 0, 2, Arrays.copyOf(good, 5)));
        bobSide.onMessage(alice, header(ExchangeCodec.KIND_REQUEST, 10, 0, 2, Arrays.copyOf(good, 5)));
        bobSide.onMessage(alice, header(ExchangeCodec.KIND_REQUEST, 10, 1, 2,
                Arrays.copyOfRange(good, 5, good.length)));
        assertThat(served).hasValue(0);
        assertThat(bobWire.sent).isEmpty();
        // And the exchange still works.
        bobSide.onMessage(alice, header(ExchangeCodec.KIND_REQUEST, 11, 0, 1, good));
        assertThat(awaitSent(bobWire)).isTrue();
    }

    @Test
    void fragmentsMayArriveInAnyOrder() {
        AtomicInteger served = new AtomicInteger();
        bobSide.serve((from, request) -> {
            served.incrementAndGet();
            return new MeshResponse(204, new byte[0]);
        });
        byte[] good = ExchangeCodec.encodeRequest(put(new byte[30]));
        bobSide.onMessage(alice, header(ExchangeCodec.KIND_REQUEST, 12, 1, 2,
                Arrays.copyOfRange(good, 10, good.length)));
        bobSide.onMessage(alice, header(ExchangeCodec.KIND_REQUEST, 12, 0, 2, Arrays.copyOf(good, 10)));
        assertThat(awaitSent(bobWire)).isTrue();
    }

    @Test
    void tooManyMessagesInReassemblyFromOnePeerAreRefused() {
        byte[] good = ExchangeCodec.encodeRequest(put(new byte[30]));
        for (long id = 100; id < 110; id++) {
            bobSide.onMessage(alice, header(ExchangeCodec.KIND_REQUEST, id, 0, 2, Arrays.copyOf(good, 10)));
        }
        // Only 4 are kept (the limit): completing the 10th does nothing, completing the 1st serves it.
        bobSide.serve((from, request) -> new MeshResponse(204, new byte[0]));
        bobSide.onMessage(alice, header(ExchangeCodec.KIND_REQUEST, 109, 1, 2, Arrays.copyOfRange(good, 10, good.length)));
        assertThat(bobWire.sent).isEmpty();
        bobSide.onMessage(alice, header(ExchangeCodec.KIND_REQUEST, 100, 1, 2, Arrays.copyOfRange(good, 10, good.length)));
        assertThat(awaitSent(bobWire)).isTrue();
    }

    @Test
    void invalidRequestsAreRefusedWhenBuilt() {
        assertThatThrownBy(() -> new MeshRequest("get", "/", Map.of(), null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MeshRequest("GET", "no-slash", Map.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MeshRequest("GET", "/a b", Map.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MeshRequest("GET", "/", Map.of("X", "a\r\nb"), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MeshResponse(42, null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static boolean awaitSent(Wire wire) {
        long until = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < until) {
            synchronized (wire.sent) {
                if (!wire.sent.isEmpty()) {
                    return true;
                }
            }
            Thread.onSpinWait();
        }
        return false;
    }

    private static byte[] header(byte kind, long id, int index, int count, byte[] chunk) {
        return ByteBuffer.allocate(ExchangeCodec.HEADER_BYTES + chunk.length).put(ExchangeCodec.CHANNEL).put(kind)
                .putLong(id).putShort((short) index).putShort((short) count).put(chunk).array();
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }
}
