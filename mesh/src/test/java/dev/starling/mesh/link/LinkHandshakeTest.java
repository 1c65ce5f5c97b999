package dev.starling.mesh.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.mesh.identity.NodeIdentity;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Link handshakes between real TCP transports on loopback: who is proven, who is refused. */
class LinkHandshakeTest {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    TcpTransport transport(NodeIdentity identity, Recorder recorder) throws Exception {
        TcpTransport transport = TcpTransport.start(identity, LinkConfig.defaults(), LOOPBACK, recorder);
        closeables.add(transport);
        return transport;
    }

    static InetSocketAddress at(TcpTransport transport) {
        return new InetSocketAddress("127.0.0.1", transport.port());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    @Test
    void handshakeProvesBothIdentitiesAndCarriesDataBothWays() throws Exception {
        NodeIdentity alice = NodeIdentity.generate();
        NodeIdentity bob = NodeIdentity.generate();
        Recorder aliceEvents = new Recorder();
        Recorder bobEvents = new Recorder();
        TcpTransport a = transport(alice, aliceEvents);
        TcpTransport b = transport(bob, bobEvents);

        Link fromBob = b.connect(at(a), Optional.of(alice.nodeId()));
        Link atAlice = aliceEvents.nextUp();

        assertThat(fromBob.peer()).isEqualTo(alice.nodeId());
        assertThat(atAlice.peer()).isEqualTo(bob.nodeId());
        assertThat(bobEvents.nextUp()).isSameAs(fromBob);
        fromBob.send("hello alice".getBytes());
        atAlice.send("hello bob".getBytes());
        assertThat(aliceEvents.nextData()).isEqualTo("hello alice");
        assertThat(bobEvents.nextData()).isEqualTo("hello bob");

        fromBob.close();
        assertThat(aliceEvents.nextDown(5).reason()).isEqualTo(CloseReason.PEER_CLOSED);
        assertThat(bobEvents.nextDown(5).reason()).isEqualTo(CloseReason.LOCAL);
        assertThatThrownBy(() -> fromBob.send(new byte[1])).isInstanceOf(LinkClosedException.class);
    }

    @Test
    void dialWithoutExpectedNodeLearnsTheProvenNode() throws Exception {
        NodeIdentity alice = NodeIdentity.generate();
        TcpTransport a = transport(alice, new Recorder());
        TcpTransport b = transport(NodeIdentity.generate(), new Recorder());
        assertThat(b.connect(at(a), Optional.empty()).peer()).isEqualTo(alice.nodeId());
    }

    @Test
    void anotherNodeAtTheDialledAddressIsRefusedBeforeWeRevealOurselves() throws Exception {
        Recorder carolEvents = new Recorder();
        TcpTransport carolAtAddress = transport(NodeIdentity.generate(), carolEvents);
        TcpTransport b = transport(NodeIdentity.generate(), new Recorder());
        NodeIdentity alice = NodeIdentity.generate();

        assertThatThrownBy(() -> b.connect(at(carolAtAddress), Optional.of(alice.nodeId())))
                .isInstanceOfSatisfying(HandshakeException.class,
                        e -> assertThat(e.problem()).isEqualTo(HandshakeException.Problem.UNEXPECTED_PEER));
        // Bob aborted after message 2: Carol never learned who dialled, and no link exists on either side.
        assertThat(carolEvents.up.poll(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(b.links()).isEmpty();
        assertThat(carolAtAddress.links()).isEmpty();
    }

    @Test
    void aResponderClaimingAnotherNodesKeyIsRefused() throws Exception {
        NodeIdentity alice = NodeIdentity.generate();
        NodeIdentity mallory = NodeIdentity.generate();
        X25519KeyPair malloryStatic = X25519KeyPair.generate(new SecureRandom());
        // Mallory sends Alice's public key, but can only sign the binding with her own key.
        byte[] forged = LocalKeys.proof(mallory, alice.nodeId(), malloryStatic.publicKey());
        LocalKeys impostor = new LocalKeys(mallory, malloryStatic, new SecureRandom(), forged);
        TcpTransport m = TcpTransport.start(impostor, LinkConfig.defaults(), LOOPBACK, new Recorder());
        closeables.add(m);
        TcpTransport b = transport(NodeIdentity.generate(), new Recorder());

        for (var expected : List.of(Optional.of(alice.nodeId()), Optional.<dev.starling.mesh.identity.NodeId>empty())) {
            assertThatThrownBy(() -> b.connect(at(m), expected))
                    .isInstanceOfSatisfying(HandshakeException.class,
                            e -> assertThat(e.problem()).isEqualTo(HandshakeException.Problem.BAD_IDENTITY_PROOF));
        }
        assertThat(b.links()).isEmpty();
    }

    @Test
    void anInitiatorClaimingAnotherNodesKeyIsRefused() throws Exception {
        NodeIdentity alice = NodeIdentity.generate();
        NodeIdentity mallory = NodeIdentity.generate();
        Recorder bobEvents = new Recorder();
        TcpTransport b = transport(NodeIdentity.generate(), bobEvents);
        X25519KeyPair malloryStatic = X25519KeyPair.generate(new SecureRandom());
        // A replayed genuine proof of Alice's does not help either: it binds Alice's static key, not Mallory's.
        X25519KeyPair aliceStatic = X25519KeyPair.generate(new SecureRandom());
        for (byte[] proof : List.of(LocalKeys.proof(mallory, alice.nodeId(), malloryStatic.publicKey()),
                LocalKeys.proof(alice, alice.nodeId(), aliceStatic.publicKey()))) {
            LocalKeys impostor = new LocalKeys(mallory, malloryStatic, new SecureRandom(), proof);
            TcpTransport m = TcpTransport.start(impostor, LinkConfig.defaults(), LOOPBACK, new Recorder());
            closeables.add(m);
            // Mallory's side may think it is done after sending message 3; Bob checks it and hangs up.
            try {
                Link link = m.connect(at(b), Optional.empty());
                assertThat(link.closed().toCompletableFuture().get(5, TimeUnit.SECONDS))
                        .isIn(CloseReason.PEER_CLOSED, CloseReason.IO_ERROR);
            } catch (java.io.IOException refused) {
                // equally fine: refused before the link was registered
            }
        }
        assertThat(bobEvents.up.poll(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(b.links()).isEmpty();
    }

    @Test
    void aNodeCannotLinkToItself() throws Exception {
        NodeIdentity alice = NodeIdentity.generate();
        TcpTransport a = transport(alice, new Recorder());
        assertThatThrownBy(() -> a.connect(at(a), Optional.empty()))
                .isInstanceOfSatisfying(HandshakeException.class,
                        e -> assertThat(e.problem()).isEqualTo(HandshakeException.Problem.SELF));
    }

    @Test
    void aSilentConnectionIsDroppedAfterTheHandshakeTimeout() throws Exception {
        Recorder events = new Recorder();
        TcpTransport a = TcpTransport.start(NodeIdentity.generate(),
                LinkConfig.defaults().withHandshakeTimeout(Duration.ofMillis(300)), LOOPBACK, events);
        closeables.add(a);
        long start = System.nanoTime();
        try (RawPeer silent = new RawPeer(a.port())) {
            assertThat(silent.closedByPeer()).isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aConnectionFloodIsCutAtThePendingHandshakeLimit() throws Exception {
        LinkConfig config = new LinkConfig(Frame.MAX_BODY, Duration.ofSeconds(5), Duration.ofSeconds(15),
                Duration.ofSeconds(10), 2);
        Recorder events = new Recorder();
        NodeIdentity alice = NodeIdentity.generate();
        TcpTransport a = TcpTransport.start(alice, config, LOOPBACK, events);
        closeables.add(a);
        List<RawPeer> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                silent.add(new RawPeer(a.port()));
            }
            Thread.sleep(200);
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                try (RawPeer extra = new RawPeer(a.port())) {
                    assertThat(extra.closedByPeer()).isTrue();
                }
            }
            // Refused at once, not after the 10 s handshake timeout.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        } finally {
            for (RawPeer peer : silent) {
                peer.close();
            }
        }
        Thread.sleep(200);
        TcpTransport b = transport(NodeIdentity.generate(), new Recorder());
        assertThat(b.connect(at(a), Optional.of(alice.nodeId())).peer()).isEqualTo(alice.nodeId());
    }
}
