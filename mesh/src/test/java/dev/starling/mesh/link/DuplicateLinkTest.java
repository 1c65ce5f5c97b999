package dev.starling.mesh.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.mesh.identity.NodeIdentity;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One link per peer: simultaneous dials settle on the same link at both ends; a new link replaces a quiet one. */
class DuplicateLinkTest {
    @Test
    void simultaneousDialsSettleOnOneLinkAtBothEnds() throws Exception {
        for (int round = 0; round < 10; round++) {
            NodeIdentity alice = NodeIdentity.generate();
            NodeIdentity bob = NodeIdentity.generate();
            Recorder aliceEvents = new Recorder();
            Recorder bobEvents = new Recorder();
            try (TcpTransport a = TcpTransport.start(alice, LinkConfig.defaults(), LinkHandshakeTest.LOOPBACK, aliceEvents);
                 TcpTransport b = TcpTransport.start(bob, LinkConfig.defaults(), LinkHandshakeTest.LOOPBACK, bobEvents);
                 ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Callable<Link> aDials = () -> a.connect(LinkHandshakeTest.at(b), Optional.of(bob.nodeId()));
                Callable<Link> bDials = () -> b.connect(LinkHandshakeTest.at(a), Optional.of(alice.nodeId()));
                Future<Link> fromA = pool.submit(aDials);
                Future<Link> fromB = pool.submit(bDials);
                fromA.get();
                fromB.get();
                Thread.sleep(300);
                assertThat(a.links()).hasSize(1);
                assertThat(b.links()).hasSize(1);
                TcpLink atA = (TcpLink) a.links().iterator().next();
                TcpLink atB = (TcpLink) b.links().iterator().next();
                assertThat(atA.handshakeHash()).isEqualTo(atB.handshakeHash());
                atA.send(("round " + round).getBytes());
                // The surviving link was announced on both sides; a data frame goes through it.
                String received;
                do {
                    received = bobEvents.nextData();
                } while (!received.equals("round " + round));
                assertThat(a.connect(LinkHandshakeTest.at(b), Optional.of(bob.nodeId()))).isSameAs(atA);
            }
        }
    }

    @Test
    void aNewLinkReplacesAStaleOneFromTheSamePeer() throws Exception {
        NodeIdentity alice = NodeIdentity.generate();
        NodeIdentity bob = NodeIdentity.generate();
        Recorder aliceEvents = new Recorder();
        LinkConfig config = LinkConfig.defaults().withTimers(Duration.ofMillis(200), Duration.ofSeconds(30));
        try (TcpTransport a = TcpTransport.start(alice, config, LinkHandshakeTest.LOOPBACK, aliceEvents);
             RawPeer stale = RawPeer.handshaken(a.port(), bob, Optional.of(alice.nodeId()))) {
            Link old = aliceEvents.nextUp();
            assertThat(old.peer()).isEqualTo(bob.nodeId());
            assertThat(stale.established.peer()).isEqualTo(alice.nodeId());
            // Bob "restarts" and his old connection is silently gone; Alice's dead-link timeout (30 s) has not
            // fired yet, but the link has been quiet for more than 1.5 keepalive intervals.
            Thread.sleep(500);
            try (TcpTransport b = TcpTransport.start(bob, LinkConfig.defaults(), LinkHandshakeTest.LOOPBACK, new Recorder())) {
                Link fresh = b.connect(LinkHandshakeTest.at(a), Optional.of(alice.nodeId()));
                Link atAlice = aliceEvents.nextUp();
                assertThat(aliceEvents.nextDown(5).reason()).isEqualTo(CloseReason.LOCAL);
                assertThat(old.isOpen()).isFalse();
                assertThat(a.links()).containsExactly(atAlice);
                fresh.send("back".getBytes());
                assertThat(aliceEvents.nextData()).isEqualTo("back");
            }
        }
    }
}
