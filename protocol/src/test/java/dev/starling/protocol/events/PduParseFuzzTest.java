package dev.starling.protocol.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.starling.protocol.ProtocolException;
import dev.starling.protocol.rooms.RoomVersion;

class PduParseFuzzTest {
    /** Arbitrary bytes through Pdu.parse for every version: only ProtocolExceptions may escape. */
    @FuzzTest(maxDuration = "60s")
    void parseRefusesOnlyWithProtocolExceptions(byte[] input) {
        for (RoomVersion version : RoomVersion.values()) {
            try {
                checkAccepted(Pdu.parse(input, version));
            } catch (ProtocolException expected) {
                // the only allowed way to refuse
            }
        }
    }

    /** What is accepted must satisfy the limits the format promises. */
    static void checkAccepted(Pdu pdu) {
        assertThat(pdu.canonicalBytes().length).isLessThanOrEqualTo(PduLimits.MAX_EVENT_BYTES);
        assertThat(pdu.prevEvents().size()).isLessThanOrEqualTo(PduLimits.MAX_PREV_EVENTS);
        assertThat(pdu.authEvents().size()).isLessThanOrEqualTo(PduLimits.MAX_AUTH_EVENTS);
        assertThat(pdu.depth()).isBetween(0L, PduLimits.MAX_DEPTH);
        assertThat(pdu.type().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        assertThat(pdu.eventId()).isNotNull();
        assertThat(pdu.roomId()).isNotNull();
        if (pdu.roomVersion().roomIdIsCreateEventHash()) {
            assertThat(pdu.roomId().isHashForm()).isTrue();
        } else {
            assertThat(pdu.roomId().isHashForm()).isFalse();
        }
        Pdu.stripUnsigned(pdu.json());
        pdu.redacts();
    }
}
