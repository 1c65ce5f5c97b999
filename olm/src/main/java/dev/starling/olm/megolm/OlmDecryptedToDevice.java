package dev.starling.olm.megolm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A to-device event as the Olm event layer hands it over after decrypting it: the only input from which
 * room keys are accepted (SECURITY.md item 25). The Olm layer builds it after its plaintext checks
 * (SECURITY.md item 26: {@code sender}, {@code recipient}, {@code recipient_keys}, {@code keys} match), with:
 *
 * <ul>
 *   <li>{@code encryptedWith}: the algorithm of the {@code m.room.encrypted} to-device event it came in;
 *       must be {@code m.olm.v1.curve25519-aes-sha2} (anything else is refused, e.g. a Megolm-encrypted
 *       to-device event);</li>
 *   <li>{@code senderUserId}: the {@code sender} of the to-device event (checked against the payload's);</li>
 *   <li>{@code senderCurve25519Key}: the Olm session's identity key of the sender (base64);</li>
 *   <li>{@code senderEd25519Key}: the sender device's Ed25519 key, from the payload's {@code keys.ed25519},
 *       checked by the Olm layer against the device keys;</li>
 *   <li>{@code payload}: the decrypted plaintext JSON ({@code type}, {@code content}, {@code sender}, ...).</li>
 * </ul>
 */
public record OlmDecryptedToDevice(String encryptedWith, String senderUserId, String senderCurve25519Key,
        String senderEd25519Key, ObjectNode payload) {
    /** The Olm algorithm name, the only one room keys may arrive under. */
    public static final String OLM_ALGORITHM = "m.olm.v1.curve25519-aes-sha2";

    public OlmDecryptedToDevice {
        Objects.requireNonNull(encryptedWith, "encryptedWith");
        Objects.requireNonNull(senderUserId, "senderUserId");
        Objects.requireNonNull(senderCurve25519Key, "senderCurve25519Key");
        Objects.requireNonNull(senderEd25519Key, "senderEd25519Key");
        Objects.requireNonNull(payload, "payload");
        payload = payload.deepCopy();
    }

    /** The payload's {@code type}, or empty text. */
    public String type() {
        return payload.path("type").asText("");
    }

    @Override
    public String toString() {
        // The payload holds session keys: never shown.
        return "OlmDecryptedToDevice[" + type() + " from " + senderUserId + " " + senderCurve25519Key + "]";
    }
}
