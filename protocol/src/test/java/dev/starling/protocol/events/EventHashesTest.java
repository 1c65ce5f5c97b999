package dev.starling.protocol.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EventHashesTest {
    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void contentHashCoversEverythingButUnsignedSignaturesAndHashes() throws Exception {
        ObjectNode event = CanonicalJson.parseObject(
                "{\"b\":1,\"a\":\"é\",\"unsigned\":{\"age\":1},\"signatures\":{},\"hashes\":{\"sha256\":\"x\"}}");
        assertThat(EventHashes.contentHash(event)).isEqualTo(sha256("{\"a\":\"é\",\"b\":1}"));
        assertThat(EventHashes.contentHashBase64(event))
                .isEqualTo(Base64.getEncoder().withoutPadding().encodeToString(sha256("{\"a\":\"é\",\"b\":1}")))
                .doesNotEndWith("=");
        assertThat(event.has("unsigned")).isTrue();
    }

    @Test
    void withContentHashProducesAnEventWhoseHashMatches() {
        ObjectNode event = TestEvents.message(RoomVersion.V11);
        assertThat(EventHashes.contentHashMatches(event)).isFalse();
        ObjectNode hashed = EventHashes.withContentHash(event);
        assertThat(EventHashes.contentHashMatches(hashed)).isTrue();
        assertThat(event.get("hashes").get("sha256").textValue()).isEqualTo("x");
        ((ObjectNode) hashed.get("content")).put("body", "tampered");
        assertThat(EventHashes.contentHashMatches(hashed)).isFalse();
    }

    @Test
    void contentHashMismatchesOnMalformedClaims() {
        ObjectNode event = EventHashes.withContentHash(TestEvents.message(RoomVersion.V11));
        String good = event.get("hashes").get("sha256").textValue();
        ObjectNode hashes = (ObjectNode) event.get("hashes");
        hashes.put("sha256", "!!not base64!!");
        assertThat(EventHashes.contentHashMatches(event)).isFalse();
        hashes.put("sha256", good.substring(0, 20));
        assertThat(EventHashes.contentHashMatches(event)).isFalse();
        hashes.put("sha256", 1);
        assertThat(EventHashes.contentHashMatches(event)).isFalse();
        hashes.remove("sha256");
        assertThat(EventHashes.contentHashMatches(event)).isFalse();
        event.remove("hashes");
        assertThat(EventHashes.contentHashMatches(event)).isFalse();
    }

    @Test
    void referenceHashIsOverTheRedactedEventWithoutSignaturesAndUnsigned() throws Exception {
        ObjectNode event = CanonicalJson.parseObject(
                "{\"type\":\"m.room.message\",\"content\":{\"body\":\"x\"},\"signatures\":{\"s\":{}},\"unsigned\":{\"age\":1},"
                        + "\"age_ts\":5,\"depth\":3,\"hashes\":{\"sha256\":\"h\"}}");
        byte[] expected = sha256("{\"content\":{},\"depth\":3,\"hashes\":{\"sha256\":\"h\"},\"type\":\"m.room.message\"}");
        assertThat(EventHashes.referenceHash(event, RoomVersion.V11)).isEqualTo(expected);
        assertThat(EventHashes.referenceHashUrlSafe(event, RoomVersion.V11))
                .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(expected)).hasSize(43);
    }
}
