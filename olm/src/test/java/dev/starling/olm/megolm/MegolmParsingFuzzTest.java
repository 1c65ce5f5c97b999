package dev.starling.olm.megolm;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.starling.olm.testing.MegolmTestVectors;
import dev.starling.protocol.crypto.Base64s;

/**
 * Megolm message and session key parsing under arbitrary input: every input either parses (and a message
 * then decrypts or is refused) or is refused with a {@link MegolmException}; nothing else escapes. Inputs
 * are bytes mutated from a genuine message, session key or export (so the fuzzer reaches past the version
 * byte), or raw fuzzed bytes.
 */
class MegolmParsingFuzzTest {
    private static final String SESSION_KEY = MegolmTestVectors.get("megolm").get("session_key_v2_signed").asText();
    private static final byte[] MESSAGE = Base64s.decode(
            MegolmTestVectors.get("megolm").get("messages").get(1).get("ciphertext").asText());
    private static final byte[] SIGNED_KEY = Base64s.decode(SESSION_KEY);
    private static final byte[] EXPORT = Base64s.decode(
            MegolmTestVectors.get("megolm").get("exported_at_index_1_v1").asText());

    @FuzzTest(maxDuration = "60s")
    void parsingRefusesOnlyWithMegolmException(FuzzedDataProvider data) {
        int target = data.consumeInt(0, 2);
        byte[] input = switch (data.consumeInt(0, 1)) {
            case 0 -> mutate(target == 0 ? MESSAGE : target == 1 ? SIGNED_KEY : EXPORT, data);
            default -> data.consumeRemainingAsBytes();
        };
        try {
            switch (target) {
                case 0 -> {
                    MegolmMessage message = MegolmMessage.parse(input);
                    assertThat(message.ciphertext().length % 16).isZero();
                    InboundGroupSession.Decrypted decrypted =
                            InboundGroupSession.fromSessionKey(SESSION_KEY).decrypt(message);
                    assertThat(decrypted.index()).isEqualTo(Integer.toUnsignedLong(message.index()));
                }
                case 1 -> InboundGroupSession.fromSessionKey(Base64s.encode(input));
                default -> InboundGroupSession.importExported(Base64s.encode(input)).exportAtFirstKnownIndex();
            }
        } catch (MegolmException expected) {
            assertThat(expected.problem()).isNotNull();
        }
    }

    private static byte[] mutate(byte[] original, FuzzedDataProvider data) {
        byte[] copy = original.clone();
        int edits = data.consumeInt(0, 4);
        for (int i = 0; i < edits; i++) {
            switch (data.consumeInt(0, 2)) {
                case 0 -> copy[data.consumeInt(0, copy.length - 1)] = data.consumeByte();
                case 1 -> copy = java.util.Arrays.copyOf(copy, data.consumeInt(0, copy.length + 8));
                default -> {
                    if (copy.length > 0) {
                        int at = data.consumeInt(0, copy.length - 1);
                        copy[at] ^= (byte) (1 << data.consumeInt(0, 7));
                    }
                }
            }
            if (copy.length == 0) {
                break;
            }
        }
        return copy;
    }
}
