package dev.starling.olm.megolm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.olm.testing.MegolmTestVectors;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** libolm 3.2.13's Megolm vector, byte for byte. */
class MegolmVectorsTest {
    private static final JsonNode V = MegolmTestVectors.get("megolm");

    @Test
    void outboundSessionReproducesSessionIdSessionKeyAndMessages() {
        OutboundGroupSession session = OutboundGroupSession.fromRandom(MegolmTestVectors.hex(V, "outbound_random_hex"));
        assertThat(session.sessionId()).isEqualTo(V.get("session_id").asText());
        assertThat(session.sessionKey()).isEqualTo(V.get("session_key_v2_signed").asText());
        for (JsonNode m : V.get("messages")) {
            assertThat(session.messageIndex()).isEqualTo(m.get("index").asLong());
            String ciphertext = session.encrypt(m.get("plaintext").asText().getBytes(StandardCharsets.UTF_8));
            assertThat(ciphertext).isEqualTo(m.get("ciphertext").asText());
        }
    }

    @Test
    void inboundSessionDecryptsTheMessagesInAnyOrderAndExportsAtIndexOne() {
        InboundGroupSession inbound = InboundGroupSession.fromSessionKey(V.get("session_key_v2_signed").asText());
        assertThat(inbound.sessionId()).isEqualTo(V.get("session_id").asText());
        assertThat(inbound.isVerified()).isTrue();
        for (int i : new int[] {2, 0, 1}) {
            JsonNode m = V.get("messages").get(i);
            InboundGroupSession.Decrypted d = inbound.decrypt(m.get("ciphertext").asText());
            assertThat(d.index()).isEqualTo(i);
            assertThat(new String(d.plaintext(), StandardCharsets.UTF_8)).isEqualTo(m.get("plaintext").asText());
        }
        assertThat(inbound.export(1)).isEqualTo(V.get("exported_at_index_1_v1").asText());
    }

    @Test
    void importedExportDecryptsFromItsIndexOnly() {
        InboundGroupSession imported = InboundGroupSession.importExported(V.get("exported_at_index_1_v1").asText());
        assertThat(imported.firstKnownIndex()).isEqualTo(1);
        assertThat(imported.isVerified()).isFalse();
        JsonNode third = V.get("messages").get(2);
        assertThat(new String(imported.decrypt(third.get("ciphertext").asText()).plaintext(), StandardCharsets.UTF_8))
                .isEqualTo("third");
        assertThat(imported.isVerified()).isTrue();
        assertThat(imported.exportAtFirstKnownIndex()).isEqualTo(V.get("exported_at_index_1_v1").asText());
    }
}
