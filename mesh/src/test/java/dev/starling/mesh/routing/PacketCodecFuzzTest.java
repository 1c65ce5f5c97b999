package dev.starling.mesh.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

class PacketCodecFuzzTest {
    /** Any bytes either parse to a packet or raise MalformedPacketException; what parses re-encodes to the same bytes. */
    @FuzzTest(maxDuration = "60s")
    void decodeEitherReturnsAPacketOrRefusesWithAReason(byte[] frame) {
        Packet packet;
        try {
            packet = PacketCodec.decode(frame);
        } catch (MalformedPacketException expected) {
            assertThat(expected.reason()).isNotNull();
            return;
        }
        assertThat(PacketCodec.encode(packet)).isEqualTo(frame);
    }
}
