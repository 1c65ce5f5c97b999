package dev.starling.olm.sas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.crypto.Hmac;
import dev.starling.olm.sas.SasException.Problem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code m.key.verification.mac} content: a MAC per key (by key ID, over the key's <em>public key</em>)
 * and one over the sorted key IDs. Checking takes the public keys we already hold for the other side, by key
 * ID: a key is verified only if its MAC matches the public key we have, never on the device ID alone
 * (SECURITY.md item 28). Uses {@code hkdf-hmac-sha256.v2}.
 */
public final class SasMac {
    private SasMac() {
    }

    /** Who sends the MAC and who receives it, and the transaction. */
    public record Context(String senderUser, String senderDevice, String receiverUser, String receiverDevice,
            String transactionId) {
        String keyInfo(String keyId) {
            return SasInfo.mac(senderUser, senderDevice, receiverUser, receiverDevice, transactionId, keyId);
        }

        String keyIdsInfo() {
            return SasInfo.keyIds(senderUser, senderDevice, receiverUser, receiverDevice, transactionId);
        }
    }

    /** The {@code mac} and {@code keys} fields for our keys ({@code keyId → public key base64}). */
    public static ObjectNode build(Sas sas, Context us, Map<String, String> ourKeys) {
        TreeMap<String, String> sorted = new TreeMap<>(ourKeys);
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        ObjectNode macs = content.putObject("mac");
        sorted.forEach((keyId, publicKey) -> macs.put(keyId, sas.mac(publicKey, us.keyInfo(keyId))));
        content.put("keys", sas.mac(String.join(",", sorted.keySet()), us.keyIdsInfo()));
        return content;
    }

    /**
     * Checks the other side's {@code m.key.verification.mac} content against the public keys we hold for it
     * ({@code keyId → public key}); returns the key IDs whose MACs matched. Every key ID in the content must
     * be one we know and every MAC must match.
     *
     * @throws SasException {@code MALFORMED} (missing fields, unknown key) or {@code MAC_MISMATCH}
     */
    public static List<String> verify(Sas sas, Context them, JsonNode content, Map<String, String> theirKeys) {
        JsonNode macs = content.get("mac");
        JsonNode keys = content.get("keys");
        if (!(macs instanceof ObjectNode macObject) || macObject.isEmpty() || keys == null || !keys.isTextual()) {
            throw new SasException(Problem.MALFORMED, "the MAC content needs a non-empty mac object and keys");
        }
        List<String> keyIds = new ArrayList<>();
        macObject.fieldNames().forEachRemaining(keyIds::add);
        Collections.sort(keyIds);
        requireEqual(sas.mac(String.join(",", keyIds), them.keyIdsInfo()), keys.textValue(), "the key list");
        for (String keyId : keyIds) {
            String publicKey = theirKeys.get(keyId);
            if (publicKey == null) {
                throw new SasException(Problem.MALFORMED, "the MAC names key " + keyId + ", which we do not know");
            }
            JsonNode mac = macObject.get(keyId);
            if (!mac.isTextual()) {
                throw new SasException(Problem.MALFORMED, "the MAC of " + keyId + " is not a string");
            }
            requireEqual(sas.mac(publicKey, them.keyInfo(keyId)), mac.textValue(), "key " + keyId);
        }
        return List.copyOf(keyIds);
    }

    private static void requireEqual(String expected, String actual, String what) {
        if (!Hmac.equal(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8))) {
            throw new SasException(Problem.MAC_MISMATCH, "the MAC of " + what + " does not match");
        }
    }
}
