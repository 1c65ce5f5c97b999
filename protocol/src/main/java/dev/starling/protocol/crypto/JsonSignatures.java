package dev.starling.protocol.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.json.CanonicalJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Signing and checking signed JSON (spec: Appendices, "Signing Details" and "Checking for a Signature").
 * The inputs are never modified.
 */
public final class JsonSignatures {
    private JsonSignatures() {}

    /**
     * Returns a copy of {@code json} signed by {@code entity} with {@code key}: the object without
     * {@code signatures} and {@code unsigned} is canonically encoded and signed, the signature is put under
     * {@code signatures.<entity>.<key id>} next to the signatures already there, and {@code unsigned} is kept.
     *
     * @throws SignatureException with {@code MALFORMED_SIGNATURES} when the existing {@code signatures} are not
     *     objects
     */
    public static ObjectNode sign(ObjectNode json, String entity, SigningKey key) {
        entitySignatures(json, entity); // refuses a malformed signatures object rather than overwriting it
        String signature = Base64s.encode(key.sign(signingBytes(json)));
        ObjectNode signed = json.deepCopy();
        JsonNode existing = signed.get("signatures");
        ObjectNode signatures = existing instanceof ObjectNode object ? object : signed.putObject("signatures");
        JsonNode existingEntity = signatures.get(entity);
        ObjectNode forEntity = existingEntity instanceof ObjectNode object ? object : signatures.putObject(entity);
        forEntity.put(key.keyId().toString(), signature);
        return signed;
    }

    /**
     * Checks that {@code entity} signed {@code json} with {@code key}.
     *
     * @throws SignatureException naming the problem: no signature by that key, malformed base64, a signature
     *     of the wrong length, or one that does not verify
     */
    public static void verify(ObjectNode json, String entity, VerifyKey key) {
        String signature = signature(json, entity, key.keyId().toString());
        if (signature == null) {
            throw new SignatureException(SignatureException.Problem.MISSING_SIGNATURE,
                    "no signature by " + entity + " with key " + key.keyId());
        }
        verifyEncoded(signingBytes(json), signature, entity, key);
    }

    /**
     * The key IDs (as written, in document order) under {@code signatures.<entity>}; empty when the entity
     * has not signed.
     *
     * @throws SignatureException with {@code MALFORMED_SIGNATURES} when the structure is not objects of
     *     strings
     */
    public static List<String> signingKeyIds(ObjectNode json, String entity) {
        ObjectNode forEntity = entitySignatures(json, entity);
        if (forEntity == null) {
            return List.of();
        }
        List<String> ids = new ArrayList<>(forEntity.size());
        forEntity.fieldNames().forEachRemaining(ids::add);
        return Collections.unmodifiableList(ids);
    }

    /** The canonical JSON bytes a signature covers: the object without {@code signatures} and {@code unsigned}. */
    static byte[] signingBytes(ObjectNode json) {
        ObjectNode copy = json.deepCopy();
        copy.remove("signatures");
        copy.remove("unsigned");
        return CanonicalJson.encode(copy);
    }

    /** The base64 signature by {@code entity} with {@code keyId}, or null when absent. */
    static String signature(ObjectNode json, String entity, String keyId) {
        ObjectNode forEntity = entitySignatures(json, entity);
        JsonNode value = forEntity == null ? null : forEntity.get(keyId);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw new SignatureException(SignatureException.Problem.MALFORMED_SIGNATURES,
                    "signatures." + entity + "." + keyId + " is not a string");
        }
        return value.textValue();
    }

    /** Verifies one base64 signature over already encoded bytes. */
    static void verifyEncoded(byte[] message, String signatureBase64, String entity, VerifyKey key) {
        byte[] signature;
        try {
            signature = Base64s.decode(signatureBase64);
        } catch (IllegalArgumentException e) {
            throw new SignatureException(SignatureException.Problem.MALFORMED_BASE64,
                    "signature by " + entity + " with key " + key.keyId() + ": " + e.getMessage());
        }
        if (signature.length != VerifyKey.SIGNATURE_BYTES) {
            throw new SignatureException(SignatureException.Problem.WRONG_LENGTH,
                    "signature by " + entity + " with key " + key.keyId() + " is " + signature.length
                            + " bytes, expected " + VerifyKey.SIGNATURE_BYTES);
        }
        if (!key.verify(message, signature)) {
            throw new SignatureException(SignatureException.Problem.BAD_SIGNATURE,
                    "signature by " + entity + " with key " + key.keyId() + " does not verify");
        }
    }

    private static ObjectNode entitySignatures(ObjectNode json, String entity) {
        JsonNode signatures = json.get("signatures");
        if (signatures == null) {
            return null;
        }
        if (!(signatures instanceof ObjectNode object)) {
            throw new SignatureException(SignatureException.Problem.MALFORMED_SIGNATURES,
                    "signatures is not an object");
        }
        JsonNode forEntity = object.get(entity);
        if (forEntity == null) {
            return null;
        }
        if (!(forEntity instanceof ObjectNode entityObject)) {
            throw new SignatureException(SignatureException.Problem.MALFORMED_SIGNATURES,
                    "signatures." + entity + " is not an object");
        }
        return entityObject;
    }
}
