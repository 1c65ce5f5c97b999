package dev.starling.protocol.events;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.ProtocolException;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.List;

class PduMutationFuzzTest {
    private static final List<String> FIELDS = List.of(
            "type", "sender", "room_id", "state_key", "content", "depth", "origin_server_ts", "prev_events",
            "auth_events", "hashes", "signatures", "unsigned", "redacts");

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
            PduParseFuzzTest.checkAccepted(Pdu.fromJson(event, version));
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

}
