package dev.starling.mesh.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.mesh.identity.NodeIdentity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Keepalives, the dead-link timeout, and redialling a static peer after it restarts. */
class LinkLivenessTest {
    private static final LinkConfig FAST = LinkConfig.defaults()
            .withTimers(Duration.ofMillis(100), Duration.ofMillis(500));

    @Test
    void anIdleLinkStaysUpOnKeepalives() throws Exception {
        Recorder aEvents = new Recorder();
        Recorder bEvents = new Recorder();
        NodeIdentity alice = NodeIdentity.generate();
        try (TcpTransport a = TcpTransport.start(alice, FAST, LinkHandshakeTest.LOOPBACK, aEvents);
             TcpTransport b = TcpTransport.start(NodeIdentity.generate(), FAST, LinkHandshakeTest.LOOPBACK, bEvents)) {
            Link link = b.connect(LinkHandshakeTest.at(a), Optional.of(alice.nodeId()));
            aEvents.nextUp();
            // Three dead-link timeouts of silence from the application: keepalives keep both ends up.
            assertThat(aEvents.down.poll(1500, TimeUnit.MILLISECONDS)).isNull();
            assertThat(bEvents.down).isEmpty();
            assertThat(link.isOpen()).isTrue();
        }
    }

    @Test
    void aPeerThatGoesSilentIsDetectedAsDead() throws Exception {
        Recorder events = new Recorder();
        NodeIdentity alice = NodeIdentity.generate();
        try (TcpTransport a = TcpTransport.start(alice, FAST, LinkHandshakeTest.LOOPBACK, events);
             RawPeer silent = RawPeer.handshaken(a.port(), NodeIdentity.generate(), Optional.of(alice.nodeId()))) {
            assertThat(silent.established.peer()).isEqualTo(alice.nodeId());
            events.nextUp();
            long start = System.nanoTime();
            // The raw peer keeps the TCP connection open but never sends a keepalive.
            assertThat(events.nextDown(5).reason()).isEqualTo(CloseReason.TIMEOUT);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400)).isLessThan(Duration.ofSeconds(3));
            assertThat(a.links()).isEmpty();
        }
    }

    @Test
    void aStaticPeerIsRedialledAfterItRestarts() throws Exception {
        NodeIdentity alice = NodeIdentity.generate();
        Recorder aliceEvents = new Recorder();
        TcpTransport a = TcpTransport.start(alice, FAST, LinkHandshakeTest.LOOPBACK, aliceEvents);
        int port = a.port();
        Recorder bobEvents = new Recorder();
        try (TcpTransport b = TcpTransport.start(NodeIdentity.generate(), FAST, LinkHandshakeTest.LOOPBACK, bobEvents);
             StaticPeer<InetSocketAddress> peer = StaticPeer.start(b, new InetSocketAddress("127.0.0.1", port),
                     Optional.of(alice.nodeId()), new Backoff(Duration.ofMillis(50), Duration.ofMillis(400)))) {
            assertThat(aliceEvents.nextUp().peer()).isEqualTo(b.nodeId());
            assertThat(bobEvents.nextUp().peer()).isEqualTo(alice.nodeId());

            a.close(); // Alice's node stops...
            assertThat(bobEvents.nextDown(5).peer()).isEqualTo(alice.nodeId());
            Thread.sleep(600); // ...stays away through a few failed redials...
            Recorder restarted = new Recorder();
            a = TcpTransport.start(alice, FAST, new InetSocketAddress("127.0.0.1", port), restarted);
            // ...and comes back on the same address with the same identity.
            Link again = restarted.nextUp();
            assertThat(again.peer()).isEqualTo(b.nodeId());
            assertThat(bobEvents.nextUp().peer()).isEqualTo(alice.nodeId());
            for (int i = 0; i < 100 && peer.link().isEmpty(); i++) {
                Thread.sleep(20); // connect() returns just after the listener heard of the link
            }
            assertThat(peer.connects()).isEqualTo(2);
            peer.link().orElseThrow().send("welcome back".getBytes());
            assertThat(restarted.nextData()).isEqualTo("welcome back");
        } finally {
            a.close();
        }
    }
}
