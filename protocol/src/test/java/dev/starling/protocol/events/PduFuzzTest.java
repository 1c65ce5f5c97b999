package dev.starling.protocol.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.ProtocolException;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.List;

class PduFuzzTest {
    private static final List<String> FIELDS = List.of(
            "type", "sender", "room_id", "state_key", "content", "depth", "origin_server_ts", "prev_events",
            "auth_events", "hashes", "signatures", "unsigned", "redacts");

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

    /** Starts from a valid event and replaces, removes or adds fields with fuzzed JSON values. */
    @FuzzTest(maxDuration = "60s")
    void mutatedValidEventsRefuseOnlyWithProtocolExceptions(FuzzedDataProvider data) {
        RoomVersion version = data.pickValue(RoomVersion.values());
        ObjectNode event = data.consumeBoolean() && version.roomIdIsCreateEventHash()
                ? TestEvents.createV12() : TestEvents.message(version);
        int mutations = data.consumeInt(1, 4);
        for (int i = 0; i < mutations && data.remainingBytes() > 0; i++) {
            String field = data.consumeBoolean() ? data.pickValue(FIELDS) : data.consumeString(20);
            switch (data.consumeInt(0, 3)) {
                case 0 -> event.remove(field);
                case 1 -> event.put(field, data.consumeString(300));
                case 2 -> event.put(field, data.consumeLong());
                default -> {
                    JsonNode value = fuzzedJson(data);
                    event.set(field, value);
                }
            }
        }
        try {
            checkAccepted(Pdu.fromJson(event, version));
        } catch (ProtocolException expected) {
            // refused with a typed error
        }
    }

    private static JsonNode fuzzedJson(FuzzedDataProvider data) {
        try {
            return CanonicalJson.parse(data.consumeString(500));
        } catch (ProtocolException e) {
            return JsonNodeFactory.instance.textNode("x");
        }
    }

    /** What is accepted must satisfy the limits the format promises. */
    private static void checkAccepted(Pdu pdu) {
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
