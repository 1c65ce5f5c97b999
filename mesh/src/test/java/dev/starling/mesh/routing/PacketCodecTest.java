package dev.starling.mesh.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.mesh.routing.MalformedPacketException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PacketCodecTest {
    private static final Ed25519SeqnoAuth A = TestKeys.auth(1);
    private static final PeerKey B = TestKeys.key(2);

    static List<Packet> samples() {
        byte[] payload = new byte[300];
        new SplittableRandom(7).nextBytes(payload);
        return List.of(
                new Packet.Update(true, List.of(new Packet.RouteEntry(A.self(), 7, 0, A.signOwn(7)),
                        new Packet.RouteEntry(B, 9, 3, null),
                        new Packet.RouteEntry(B, 10, Packet.INFINITY, null))),
                new Packet.Summary(12, 0x0123_4567_89AB_CDEFL),
                new Packet.DumpRequest(),
                new Packet.SeqnoRequest(B, 65535, 32),
                new Packet.Data(0xFFFF_FFFFL, 32, MessageId.random(new SplittableRandom(3)), A.self(), B, payload),
                new Packet.Ack(42));
    }

    @Test
    void everyPacketTypeRoundTripsAndHasItsStatedSize() throws Exception {
        for (Packet p : samples()) {
            byte[] frame = PacketCodec.encode(p);
            assertThat(frame).hasSize(PacketCodec.size(p));
            Packet back = PacketCodec.decode(frame);
            assertThat(PacketCodec.encode(back)).isEqualTo(frame);
        }
    }

    @Test
    void theIdleSummaryIsTwelveBytes() {
        assertThat(PacketCodec.encode(new Packet.Summary(200, 1))).hasSize(12);
    }

    @Test
    void unknownVersionIsDropped() {
        byte[] frame = PacketCodec.encode(new Packet.Ack(1));
        frame[0] = 2;
        assertReason(frame, Reason.UNKNOWN_VERSION);
    }

    @Test
    void unknownTypeIsDropped() {
        assertReason(new byte[] {1, 9}, Reason.UNKNOWN_TYPE);
        assertReason(new byte[] {1, 0}, Reason.UNKNOWN_TYPE);
    }

    @Test
    void emptyAndOversizedFramesAreDropped() {
        assertReason(new byte[0], Reason.EMPTY);
        assertReason(new byte[PacketCodec.MAX_FRAME + 1], Reason.TOO_LARGE);
    }

    @Test
    void everyTruncationOfEveryPacketIsRefused() {
        for (Packet p : samples()) {
            byte[] frame = PacketCodec.encode(p);
            for (int len = 1; len < frame.length; len++) {
                byte[] cut = Arrays.copyOf(frame, len);
                assertThatThrownBy(() -> PacketCodec.decode(cut)).isInstanceOf(MalformedPacketException.class);
            }
        }
    }

    @Test
    void trailingBytesAreRefused() {
        for (Packet p : samples()) {
            byte[] frame = PacketCodec.encode(p);
            assertReason(Arrays.copyOf(frame, frame.length + 1), Reason.TRAILING_BYTES);
        }
    }

    @Test
    void aDataLengthBeyondTheFrameOrTheMaximumIsRefused() {
        byte[] frame = PacketCodec.encode(samples().get(4));
        int lengthAt = PacketCodec.DATA_HEADER - 4;
        frame[lengthAt] = 0x7F; // claims ~2 GB
        assertReason(frame, Reason.TOO_LARGE);
        byte[] frame2 = PacketCodec.encode(samples().get(4));
        frame2[lengthAt + 3]++; // one byte more than there is
        assertReason(frame2, Reason.TRUNCATED);
    }

    @Test
    void updatesWithNoEntriesTooManyEntriesOrUnknownFlagsAreRefused() {
        assertReason(new byte[] {1, 1, 0, 0}, Reason.BAD_FIELD);
        assertReason(new byte[] {1, 1, 0, (byte) (Packet.MAX_UPDATE_ENTRIES + 1)}, Reason.BAD_FIELD);
        assertReason(new byte[] {1, 1, 2, 1}, Reason.BAD_FIELD);
        byte[] frame = PacketCodec.encode(samples().get(0));
        frame[4] = 3; // first entry's flags
        assertReason(frame, Reason.BAD_FIELD);
    }

    @Test
    void zeroHopLimitOrHopCountIsRefused() {
        byte[] data = PacketCodec.encode(samples().get(4));
        data[6] = 0;
        assertReason(data, Reason.BAD_FIELD);
        data[6] = (byte) (Packet.MAX_HOPS + 1);
        assertReason(data, Reason.BAD_FIELD);
        byte[] req = PacketCodec.encode(samples().get(3));
        req[req.length - 1] = 0;
        assertReason(req, Reason.BAD_FIELD);
    }

    @Test
    void aFullDumpOfSixtyFourSignedEntriesFitsOneFrame() {
        List<Packet.RouteEntry> entries = new ArrayList<>();
        for (int i = 0; i < Packet.MAX_UPDATE_ENTRIES; i++) {
            entries.add(new Packet.RouteEntry(A.self(), i, 1, A.signOwn(i)));
        }
        assertThat(PacketCodec.encode(new Packet.Update(entries))).hasSize(4 + 64 * (37 + 64));
        assertThatThrownBy(() -> {
            entries.add(entries.get(0));
            new Packet.Update(entries);
        }).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertReason(byte[] frame, Reason reason) {
        assertThatThrownBy(() -> PacketCodec.decode(frame))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
