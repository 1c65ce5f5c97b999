package dev.starling.olm.crosssigning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.crosssigning.CrossSigningException.Problem;
import dev.starling.protocol.crypto.KeyFormatException;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.KeyId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A public cross-signing key as published ({@code CrossSigningKey} in the spec): {@code user_id},
 * {@code usage}, exactly one {@code ed25519:<public key>} key whose ID names the key itself, and
 * {@code signatures}. Validated when parsed; the JSON is kept for signature checks.
 */
public record CrossSigningKey(String userId, List<String> usage, VerifyKey key, ObjectNode json) {
    /** The usage of a master key. */
    public static final String MASTER = "master";
    /** The usage of a self-signing key. */
    public static final String SELF_SIGNING = "self_signing";
    /** The usage of a user-signing key. */
    public static final String USER_SIGNING = "user_signing";

    /**
     * Parses and validates a published key.
     *
     * @throws CrossSigningException {@code MALFORMED_KEY}
     */
    public static CrossSigningKey parse(JsonNode json) {
        if (!(json instanceof ObjectNode object)) {
            throw new CrossSigningException(Problem.MALFORMED_KEY, "a cross-signing key is not an object");
        }
        JsonNode userId = object.get("user_id");
        JsonNode usage = object.get("usage");
        JsonNode keys = object.get("keys");
        if (userId == null || !userId.isTextual() || usage == null || !usage.isArray() || usage.isEmpty()
                || !(keys instanceof ObjectNode keyObject) || keyObject.size() != 1) {
            throw new CrossSigningException(Problem.MALFORMED_KEY,
                    "a cross-signing key needs user_id, a non-empty usage and exactly one key");
        }
        List<String> usages = new ArrayList<>();
        for (JsonNode u : usage) {
            if (!u.isTextual()) {
                throw new CrossSigningException(Problem.MALFORMED_KEY, "usage holds a non-string");
            }
            usages.add(u.textValue());
        }
        Iterator<Map.Entry<String, JsonNode>> fields = keyObject.fields();
        Map.Entry<String, JsonNode> entry = fields.next();
        VerifyKey key;
        try {
            KeyId keyId = KeyId.parse(entry.getKey());
            if (!entry.getValue().isTextual() || !keyId.identifier().equals(entry.getValue().textValue())) {
                throw new CrossSigningException(Problem.MALFORMED_KEY, "the key ID must be ed25519:<the public key>");
            }
            key = VerifyKey.fromBase64(keyId, entry.getValue().textValue());
        } catch (KeyFormatException | InvalidIdentifierException e) {
            throw new CrossSigningException(Problem.MALFORMED_KEY, "the key is not a valid Ed25519 public key");
        }
        return new CrossSigningKey(userId.textValue(), List.copyOf(usages), key, object.deepCopy());
    }

    /** The public key, unpadded base64. */
    public String publicKey() {
        return key.publicKeyBase64();
    }

    /** Whether {@code usage} lists {@code what}. */
    public boolean hasUsage(String what) {
        return usage.contains(what);
    }

    @Override
    public String toString() {
        return "CrossSigningKey[" + userId + " " + usage + " " + key.publicKeyBase64() + "]";
    }
}
