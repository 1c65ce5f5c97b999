package dev.starling.server.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.ProtocolException;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import java.util.Optional;

/** Shape checks of key JSON (Client-Server API § End-to-end encryption), answering M_BAD_JSON / M_INVALID_PARAM. */
final class KeyJson {
    private KeyJson() {}

    /** The object at {@code field}, empty when absent or null. */
    static Optional<ObjectNode> optionalObject(ObjectNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!(node instanceof ObjectNode object)) {
            throw MatrixException.badJson(field + " must be an object");
        }
        return Optional.of(object);
    }

    static ObjectNode object(JsonNode node, String what) {
        if (!(node instanceof ObjectNode object)) {
            throw MatrixException.badJson(what + " must be an object");
        }
        return object;
    }

    static String text(ObjectNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null) {
            throw MatrixException.missingParam(field);
        }
        if (!node.isTextual()) {
            throw MatrixException.badJson(field + " must be a string");
        }
        return node.textValue();
    }

    static UserId userId(String value, String what) {
        try {
            return UserId.parse(value);
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam(what, "not a user ID");
        }
    }

    static KeyId keyId(String value, String what) {
        try {
            return KeyId.parse(value);
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam(what, "not a key ID algorithm:identifier");
        }
    }

    /** The {@code keys} object, every value a string. */
    static ObjectNode keys(ObjectNode json, String what) {
        ObjectNode keys = object(json.get("keys"), what + ".keys");
        keys.properties().forEach(e -> {
            if (!e.getValue().isTextual()) {
                throw MatrixException.badJson(what + ".keys values must be strings");
            }
        });
        return keys;
    }

    /** The ed25519 public key under {@code keys.<keyId>}. */
    static VerifyKey ed25519(ObjectNode keys, KeyId keyId, String what) {
        JsonNode value = keys.get(keyId.toString());
        if (value == null || !value.isTextual()) {
            throw MatrixException.invalidParam(what, "no key " + keyId);
        }
        try {
            return VerifyKey.fromBase64(keyId, value.textValue());
        } catch (ProtocolException e) {
            throw MatrixException.invalidParam(what, "key " + keyId + " is not a valid ed25519 public key");
        }
    }

    /** Whether {@code signer} signed {@code json} with {@code key} (a malformed signatures object is not signed). */
    static boolean signed(ObjectNode json, UserId signer, VerifyKey key) {
        try {
            JsonSignatures.verify(json, signer.value(), key);
            return true;
        } catch (ProtocolException e) {
            return false;
        }
    }

    /** A copy without {@code unsigned} (the server adds its own on the way out). */
    static ObjectNode withoutUnsigned(ObjectNode json) {
        ObjectNode copy = json.deepCopy();
        copy.remove("unsigned");
        return copy;
    }
}
