package dev.starling.olm.megolm;

import static dev.starling.olm.testing.MegolmPeer.op;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.olm.testing.MegolmPeer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Live interop with libolm 3.2.13 (python3-olm): Megolm both ways, out of order, exported keys both ways. */
class MegolmLibolmInteropTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static MegolmPeer libolm;

    @BeforeAll
    static void start() {
        libolm = MegolmPeer.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        libolm.close();
    }

    @Test
    void javaOutboundDecryptsInLibolmOutOfOrder() {
        OutboundGroupSession out = OutboundGroupSession.create(RANDOM);
        JsonNode inbound = libolm.call(op("megolm_inbound_new").put("session_key", out.sessionKey()));
        assertThat(inbound.get("session_id").asText()).isEqualTo(out.sessionId());
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            messages.add(out.encrypt(("message " + i + " ✓").getBytes(StandardCharsets.UTF_8)));
        }
        for (int i : new int[] {299, 0, 256, 5, 255, 1}) {
            JsonNode d = libolm.call(op("megolm_decrypt").put("handle", inbound.get("handle").asText())
                    .put("ciphertext", messages.get(i)));
            assertThat(d.get("plaintext").asText()).isEqualTo("message " + i + " ✓");
            assertThat(d.get("index").asInt()).isEqualTo(i);
        }
        // libolm's export at 7 imports into Java and decrypts from there on.
        String exported = libolm.call(op("megolm_export").put("handle", inbound.get("handle").asText()).put("index", 7))
                .get("exported").asText();
        InboundGroupSession imported = InboundGroupSession.importExported(exported);
        assertThat(imported.firstKnownIndex()).isEqualTo(7);
        assertThat(new String(imported.decrypt(messages.get(200)).plaintext(), StandardCharsets.UTF_8))
                .isEqualTo("message 200 ✓");
        assertThat(imported.export(7)).isEqualTo(exported);
    }

    @Test
    void libolmOutboundDecryptsInJavaOutOfOrder() {
        JsonNode out = libolm.call(op("megolm_outbound_new"));
        String handle = out.get("handle").asText();
        InboundGroupSession in = InboundGroupSession.fromSessionKey(out.get("session_key").asText());
        assertThat(in.sessionId()).isEqualTo(out.get("session_id").asText());
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 270; i++) {
            messages.add(libolm.call(op("megolm_encrypt").put("handle", handle).put("plaintext", "libolm " + i))
                    .get("ciphertext").asText());
        }
        for (int i : new int[] {269, 3, 256, 0, 257, 255}) {
            InboundGroupSession.Decrypted d = in.decrypt(messages.get(i));
            assertThat(new String(d.plaintext(), StandardCharsets.UTF_8)).isEqualTo("libolm " + i);
            assertThat(d.index()).isEqualTo(i);
        }
        // Java's export imports into libolm.
        JsonNode imported = libolm.call(op("megolm_inbound_import").put("exported", in.export(100)));
        assertThat(imported.get("first_known_index").asInt()).isEqualTo(100);
        JsonNode d = libolm.call(op("megolm_decrypt").put("handle", imported.get("handle").asText())
                .put("ciphertext", messages.get(260)));
        assertThat(d.get("plaintext").asText()).isEqualTo("libolm 260");
        // libolm's session key mid-stream (v2 at index 270) is accepted by Java.
        InboundGroupSession late = InboundGroupSession.fromSessionKey(libolm.call(
                op("megolm_session_key").put("handle", handle)).get("session_key").asText());
        assertThat(late.firstKnownIndex()).isEqualTo(270);
    }

    @Test
    void ratchetJumpsAndWrapAroundMatchLibolm() {
        // Sessions imported at a chosen index (exports carry no signature), exported by both sides further on.
        int[][] cases = {
            {0, 1}, {0, 255}, {0, 256}, {0, 0xFFFF}, {0, 0x10000}, {0, 0x01000000}, {0, 0x7FFF_FFFF},
            {0x00FF_FFFF, 0x0100_0000}, {0x12345678, 0x12345678 + 0x10203}, {0xFFFF_FF00, 0x0000_0100},
            {0xFFFF_FFF0, 5}, {0xFF00_0000, 0x00FF_FFFF}, {0x8000_0001, 0}, {0xFFFF_FFFF, 0}, {0x8000_0000, 0x8000_0000},
        };
        for (int[] c : cases) {
            byte[] random = new byte[OutboundGroupSession.RANDOM_BYTES];
            RANDOM.nextBytes(random);
            OutboundGroupSession source = OutboundGroupSession.fromRandom(random);
            MegolmRatchet ratchet = MegolmRatchet.of(java.util.Arrays.copyOf(random, MegolmRatchet.BYTES), c[0]);
            String export = SessionKeys.exported(ratchet, InboundGroupSession.fromSessionKey(source.sessionKey())
                    .signingKeyForTests());
            InboundGroupSession java = InboundGroupSession.importExported(export);
            JsonNode imported = libolm.call(op("megolm_inbound_import").put("exported", export));
            assertThat(imported.get("first_known_index").asLong()).isEqualTo(Integer.toUnsignedLong(c[0]));
            String theirs = libolm.call(op("megolm_export").put("handle", imported.get("handle").asText())
                    .put("index", Integer.toUnsignedLong(c[1]))).get("exported").asText();
            assertThat(java.export(Integer.toUnsignedLong(c[1])))
                    .as("from %08x to %08x", c[0], c[1]).isEqualTo(theirs);
        }
        // 2^31 ahead counts as before, on both sides.
        OutboundGroupSession source = OutboundGroupSession.create(RANDOM);
        String export = source.toInbound().exportAtFirstKnownIndex();
        JsonNode imported = libolm.call(op("megolm_inbound_import").put("exported", export));
        assertThat(libolm.send(op("megolm_export").put("handle", imported.get("handle").asText())
                .put("index", 0x8000_0000L)).get("error").asText()).contains("UNKNOWN_MESSAGE_INDEX");
        GroupSessionTest.problem(MegolmException.Problem.UNKNOWN_MESSAGE_INDEX,
                () -> InboundGroupSession.importExported(export).export(0x8000_0000L));
    }

    @Test
    void libolmRefusesWhatJavaRefuses() {
        OutboundGroupSession out = OutboundGroupSession.create(RANDOM);
        String early = out.encrypt("early".getBytes(StandardCharsets.UTF_8));
        JsonNode inbound = libolm.call(op("megolm_inbound_new").put("session_key", out.sessionKey()));
        JsonNode answer = libolm.send(op("megolm_decrypt").put("handle", inbound.get("handle").asText())
                .put("ciphertext", early));
        assertThat(answer.get("ok").asBoolean()).isFalse();
        assertThat(answer.get("error").asText()).contains("UNKNOWN_MESSAGE_INDEX");
    }
}
