package dev.starling.mesh.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.mesh.identity.NodeIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile input on a link: replayed handshakes, replayed, reordered and tampered frames, malformed and
 * oversized frames. Each is refused, logged, the connection closed, and the node keeps working.
 */
class LinkHostileInputTest {
    private final NodeIdentity alice = NodeIdentity.generate();
    private final NodeIdentity mallory = NodeIdentity.generate();
    private Recorder events;
    private TcpTransport a;

    @BeforeEach
    void start() throws IOException {
        events = new Recorder();
        a = TcpTransport.start(alice, LinkConfig.defaults().withMaxPayload(1024), LinkHandshakeTest.LOOPBACK, events);
    }

    @AfterEach
    void stop() {
        a.close();
    }

    private RawPeer linked() throws Exception {
        RawPeer peer = RawPeer.handshaken(a.port(), mallory, Optional.of(alice.nodeId()));
        assertThat(events.nextUp().peer()).isEqualTo(mallory.nodeId());
        return peer;
    }

    private byte[] data(RawPeer peer, String text) throws IOException {
        return peer.seal(Frame.data(text.getBytes()).encode());
    }

    private static byte[] withLength(byte[] message) {
        return ByteBuffer.allocate(2 + message.length).putShort((short) message.length).put(message).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }

    /** The node still accepts and serves an honest peer afterwards. */
    private void stillWorks() throws Exception {
        try (TcpTransport b = TcpTransport.start(NodeIdentity.generate(), LinkConfig.defaults(),
                LinkHandshakeTest.LOOPBACK, new Recorder())) {
            Link link = b.connect(LinkHandshakeTest.at(a), Optional.of(alice.nodeId()));
            events.nextUp();
            link.send("still here".getBytes());
            assertThat(events.nextData()).isEqualTo("still here");
        }
    }

    @Test
    void aReplayedHandshakeIsRefused() throws Exception {
        byte[] recorded;
        try (RawPeer first = linked()) {
            recorded = first.sent.toByteArray(); // messages 1 and 3 of a genuine handshake
        }
        events.nextDown(5);
        try (LogCapture log = new LogCapture(TcpTransport.class); RawPeer replay = new RawPeer(a.port())) {
            replay.sendRaw(recorded);
            assertThat(replay.closedByPeer()).isTrue();
            assertThat(events.up.poll(300, TimeUnit.MILLISECONDS)).isNull();
            assertThat(log.contains("event=handshake_refused direction=inbound")).isTrue();
            assertThat(log.contains("problem=NOISE")).isTrue();
        }
        stillWorks();
    }

    @Test
    void aReplayedFrameClosesTheLinkAfterDeliveringTheOriginalOnce() throws Exception {
        try (LogCapture log = new LogCapture(TcpLink.class); RawPeer peer = linked()) {
            byte[] frame = data(peer, "pay 10");
            peer.sendMessage(frame);
            peer.sendMessage(frame);
            assertThat(events.nextData()).isEqualTo("pay 10");
            assertThat(events.nextDown(5).reason()).isEqualTo(CloseReason.AUTHENTICATION_FAILED);
            assertThat(events.data).isEmpty();
            assertThat(peer.closedByPeer()).isTrue();
            assertThat(log.contains("event=link_frame_refused")).isTrue();
        }
        stillWorks();
    }

    @Test
    void reorderedFramesAreRefused() throws Exception {
        try (RawPeer peer = linked()) {
            byte[] first = data(peer, "first");
            byte[] second = data(peer, "second");
            // One write: the node may refuse "second" and reset the connection before a later write.
            peer.sendRaw(concat(withLength(second), withLength(first)));
            assertThat(events.nextDown(5).reason()).isEqualTo(CloseReason.AUTHENTICATION_FAILED);
            assertThat(events.data).isEmpty();
        }
    }

    @Test
    void aTamperedFrameIsRefused() throws Exception {
        try (RawPeer peer = linked()) {
            byte[] frame = data(peer, "pay 10");
            frame[2] ^= 0x01;
            peer.sendMessage(frame);
            assertThat(events.nextDown(5).reason()).isEqualTo(CloseReason.AUTHENTICATION_FAILED);
            assertThat(events.data).isEmpty();
        }
        stillWorks();
    }

    @Test
    void anOversizedFrameIsRefusedFromItsLengthAlone() throws Exception {
        try (LogCapture log = new LogCapture(TcpLink.class); RawPeer peer = linked()) {
            // Only the length prefix is sent: the link must close without waiting for 65535 bytes.
            long start = System.nanoTime();
            peer.sendRaw(new byte[] {(byte) 0xff, (byte) 0xff});
            assertThat(events.nextDown(5).reason()).isEqualTo(CloseReason.PROTOCOL_ERROR);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(log.contains("problem=OVERSIZED")).isTrue();
        }
        stillWorks();
    }

    @Test
    void malformedFramesAreRefused() throws Exception {
        byte[][] plaintexts = {
            {},                                      // no type byte
            {9, 1, 2, 3},                            // unknown type
            {(byte) FrameType.KEEPALIVE.code(), 7},  // keepalive with a body
            {(byte) FrameType.CLOSE.code()},         // close without its reason
        };
        for (byte[] plaintext : plaintexts) {
            try (LogCapture log = new LogCapture(TcpLink.class); RawPeer peer = linked()) {
                peer.sendMessage(peer.seal(plaintext));
                assertThat(events.nextDown(5).reason()).as(Arrays.toString(plaintext)).isEqualTo(CloseReason.PROTOCOL_ERROR);
                assertThat(log.contains("event=link_frame_refused")).isTrue();
            }
        }
        try (RawPeer peer = linked()) {
            peer.sendRaw(withLength(new byte[5])); // shorter than a tag
            assertThat(events.nextDown(5).reason()).isEqualTo(CloseReason.PROTOCOL_ERROR);
        }
        stillWorks();
    }

    @Test
    void malformedHandshakesAreRefused() throws Exception {
        byte[][] openings = {
            withLength(new byte[31]),                 // message 1 one byte short
            withLength(new byte[33]),                 // message 1 with a payload
            {(byte) 0xff, (byte) 0xff},               // a huge length
            "GET / HTTP/1.1\r\n\r\n".getBytes(),      // another protocol
        };
        for (byte[] opening : openings) {
            try (RawPeer peer = new RawPeer(a.port())) {
                peer.sendRaw(opening);
                assertThat(peer.closedByPeer()).isTrue();
            }
        }
        assertThat(events.up).isEmpty();
        stillWorks();
    }

    @Test
    void aTruncatedFrameThenEofClosesTheLink() throws Exception {
        try (RawPeer peer = linked()) {
            byte[] frame = withLength(data(peer, "cut"));
            peer.sendRaw(Arrays.copyOf(frame, frame.length - 3));
            peer.socket.shutdownOutput();
            assertThat(events.nextDown(5).reason()).isIn(CloseReason.IO_ERROR, CloseReason.PEER_CLOSED);
            assertThat(events.data).isEmpty();
        }
    }
}
