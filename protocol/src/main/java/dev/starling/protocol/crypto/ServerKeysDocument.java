package dev.starling.protocol.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * A server's key document, as served at {@code GET /_matrix/key/v2/server} (spec: Server-Server API,
 * "Publishing Keys"): the current {@code verify_keys}, the {@code old_verify_keys} with the time each
 * expired, and {@code valid_until_ts}. The document is signed by the server with its current key(s).
 */
public record ServerKeysDocument(ServerName serverName, Map<KeyId, VerifyKey> verifyKeys,
        Map<KeyId, OldVerifyKey> oldVerifyKeys, long validUntilTs) {

    /** Keys are trusted for at most this long after they were fetched, whatever {@code valid_until_ts} says. */
    public static final Duration MAX_VALIDITY = Duration.ofDays(7);

    /** A key the server no longer uses, and when it stopped using it. */
    public record OldVerifyKey(VerifyKey key, long expiredTs) {
        public OldVerifyKey {
            Objects.requireNonNull(key, "key");
        }
    }

    public ServerKeysDocument {
        Objects.requireNonNull(serverName, "serverName");
        verifyKeys = Map.copyOf(verifyKeys);
        oldVerifyKeys = Map.copyOf(oldVerifyKeys);
        verifyKeys.forEach((id, key) -> requireSameId(id, key));
        oldVerifyKeys.forEach((id, old) -> requireSameId(id, old.key()));
    }

    private static void requireSameId(KeyId id, VerifyKey key) {
        if (!id.equals(key.keyId())) {
            throw new IllegalArgumentException("key stored under " + id + " has key ID " + key.keyId());
        }
    }

    /** The document as JSON, without signatures. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("server_name", serverName.value());
        ObjectNode verify = json.putObject("verify_keys");
        verifyKeys.forEach((id, key) -> verify.putObject(id.toString()).put("key", key.publicKeyBase64()));
        ObjectNode old = json.putObject("old_verify_keys");
        oldVerifyKeys.forEach((id, key) -> old.putObject(id.toString())
                .put("key", key.key().publicKeyBase64())
                .put("expired_ts", key.expiredTs()));
        json.put("valid_until_ts", validUntilTs);
        return json;
    }

    /**
     * The document as JSON signed by each of {@code keys}; each must be one of the document's
     * {@code verify_keys}, so that {@link #parse} of the result succeeds.
     */
    public ObjectNode sign(SigningKey... keys) {
        if (keys.length == 0) {
            throw new IllegalArgumentException("a key document must be signed by at least one key");
        }
        ObjectNode json = toJson();
        for (SigningKey key : keys) {
            if (!key.verifyKey().equals(verifyKeys.get(key.keyId()))) {
                throw new IllegalArgumentException("signing key " + key.keyId() + " is not in verify_keys");
            }
            json = JsonSignatures.sign(json, serverName.value(), key);
        }
        return json;
    }

    /**
     * Reads a key document fetched from {@code expected} and checks it: the server name must be
     * {@code expected}, every key must be a valid ed25519 key (keys of other algorithms are skipped), and the
     * document must carry at least one signature by the server with one of its {@code verify_keys}, all of
     * which must verify (signatures by other keys, such as a notary's, are ignored here).
     *
     * @throws KeyFormatException when the document is malformed or for another server
     * @throws SignatureException when the self-signature is missing or does not verify
     */
    public static ServerKeysDocument parse(ObjectNode json, ServerName expected) {
        ServerName name;
        try {
            name = ServerName.parse(requireText(json, "server_name"));
        } catch (InvalidIdentifierException e) {
            throw malformed("server_name is not a server name");
        }
        if (!name.equals(expected)) {
            throw new KeyFormatException(KeyFormatException.Problem.WRONG_SERVER,
                    "document is for " + name + ", expected " + expected);
        }
        Map<KeyId, VerifyKey> verify = new HashMap<>();
        for (Map.Entry<KeyId, ObjectNode> entry : keyEntries(json, "verify_keys", true).entrySet()) {
            verify.put(entry.getKey(), VerifyKey.fromBase64(entry.getKey(), requireText(entry.getValue(), "key")));
        }
        Map<KeyId, OldVerifyKey> old = new HashMap<>();
        for (Map.Entry<KeyId, ObjectNode> entry : keyEntries(json, "old_verify_keys", false).entrySet()) {
            ObjectNode value = entry.getValue();
            old.put(entry.getKey(), new OldVerifyKey(
                    VerifyKey.fromBase64(entry.getKey(), requireText(value, "key")), requireLong(value, "expired_ts")));
        }
        long validUntil = requireLong(json, "valid_until_ts");

        int verified = 0;
        byte[] message = JsonSignatures.signingBytes(json);
        for (String id : JsonSignatures.signingKeyIds(json, name.value())) {
            KeyId keyId;
            try {
                keyId = KeyId.parse(id);
            } catch (InvalidIdentifierException e) {
                continue;
            }
            VerifyKey key = verify.get(keyId);
            if (key != null) {
                JsonSignatures.verifyEncoded(message, JsonSignatures.signature(json, name.value(), id), name.value(), key);
                verified++;
            }
        }
        if (verified == 0) {
            throw new SignatureException(SignatureException.Problem.MISSING_SIGNATURE,
                    "key document of " + name + " is not signed by any of its verify_keys");
        }
        return new ServerKeysDocument(name, verify, old, validUntil);
    }

    /**
     * The keys for checking event signatures: current keys valid until the lesser of {@code valid_until_ts}
     * and {@link #MAX_VALIDITY} after {@code fetchedAtTs} (spec: rooms v5 "Signing key validity period"), old
     * keys until their {@code expired_ts}.
     */
    public ServerKeys toServerKeys(long fetchedAtTs) {
        long cap = fetchedAtTs + MAX_VALIDITY.toMillis();
        Map<KeyId, VerifyKeyWithExpiry> keys = new HashMap<>();
        oldVerifyKeys.forEach((id, old) -> keys.put(id, new VerifyKeyWithExpiry(old.key(), old.expiredTs())));
        verifyKeys.forEach((id, key) -> keys.put(id, new VerifyKeyWithExpiry(key, Math.min(validUntilTs, cap))));
        return new ServerKeys(serverName, keys);
    }

    private static Map<KeyId, ObjectNode> keyEntries(ObjectNode json, String field, boolean required) {
        JsonNode node = json.get(field);
        if (node == null && !required) {
            return Map.of();
        }
        if (!(node instanceof ObjectNode object)) {
            throw malformed(field + " is not an object");
        }
        Map<KeyId, ObjectNode> entries = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            KeyId keyId;
            try {
                keyId = KeyId.parse(entry.getKey());
            } catch (InvalidIdentifierException e) {
                throw malformed(field + " has a malformed key ID");
            }
            if (!VerifyKey.ED25519.equals(keyId.algorithm())) {
                continue; // an algorithm we do not understand (spec: "Checking for a Signature", step 2)
            }
            if (!(entry.getValue() instanceof ObjectNode value)) {
                throw malformed(field + "." + keyId + " is not an object");
            }
            entries.put(keyId, value);
        }
        return entries;
    }

    private static String requireText(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || !node.isTextual()) {
            throw malformed(field + " is missing or not a string");
        }
        return node.textValue();
    }

    private static long requireLong(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
            throw malformed(field + " is missing or not an integer");
        }
        return node.longValue();
    }

    private static KeyFormatException malformed(String detail) {
        return new KeyFormatException(KeyFormatException.Problem.MALFORMED_DOCUMENT, detail);
    }
}
