package dev.starling.olm.event;

import static dev.starling.olm.event.OlmEvents.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.account.Account;
import dev.starling.protocol.ProtocolException;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.KeyId;

/** The checks of spec "Validation of incoming decrypted events" (SECURITY.md item 26), each with its own problem. */
final class PlaintextChecks {
    private PlaintextChecks() {
    }

    static DecryptedOlmEvent check(Account account, String ourUserId, String eventSender, String senderCurveKey,
            ObjectNode payload, String knownSenderEd25519, String sessionId) {
        String type = text(payload, "type");
        JsonNode content = payload.get("content");
        if (type == null || !(content instanceof ObjectNode contentObject)) {
            throw problem(OlmEventException.Problem.MALFORMED_PLAINTEXT,
                    "the plaintext lacks a string type or an object content");
        }
        if (!eventSender.equals(text(payload, "sender"))) {
            throw problem(OlmEventException.Problem.SENDER_MISMATCH, "the plaintext's sender is not the event's sender");
        }
        if (!ourUserId.equals(text(payload, "recipient"))) {
            throw problem(OlmEventException.Problem.RECIPIENT_MISMATCH, "the plaintext's recipient is not us");
        }
        if (!account.ed25519Key().equals(text(payload.path("recipient_keys"), "ed25519"))) {
            throw problem(OlmEventException.Problem.RECIPIENT_KEY_MISMATCH,
                    "the plaintext's recipient_keys.ed25519 is not our key");
        }
        String senderEd25519 = text(payload.path("keys"), "ed25519");
        if (senderEd25519 == null) {
            throw problem(OlmEventException.Problem.MISSING_SENDER_KEY, "the plaintext lacks keys.ed25519");
        }
        DecryptedOlmEvent.Ed25519Source source = DecryptedOlmEvent.Ed25519Source.UNCONFIRMED;
        if (knownSenderEd25519 != null) {
            if (!knownSenderEd25519.equals(senderEd25519)) {
                throw problem(OlmEventException.Problem.SENDER_KEY_MISMATCH,
                        "keys.ed25519 is not the sending device's key");
            }
            source = DecryptedOlmEvent.Ed25519Source.DEVICE_LIST;
        }
        ObjectNode deviceKeys = null;
        JsonNode sdk = payload.get("sender_device_keys");
        if (sdk != null && !sdk.isNull()) {
            deviceKeys = checkDeviceKeys(sdk, eventSender, senderCurveKey, senderEd25519);
            if (source == DecryptedOlmEvent.Ed25519Source.UNCONFIRMED) {
                source = DecryptedOlmEvent.Ed25519Source.SENDER_DEVICE_KEYS;
            }
        }
        return new DecryptedOlmEvent(eventSender, senderCurveKey, senderEd25519, source, type, contentObject,
                deviceKeys, sessionId);
    }

    private static ObjectNode checkDeviceKeys(JsonNode node, String eventSender, String senderCurveKey,
            String senderEd25519) {
        if (!(node instanceof ObjectNode keys) || !eventSender.equals(text(keys, "user_id"))) {
            throw problem(OlmEventException.Problem.DEVICE_KEYS_USER_MISMATCH,
                    "sender_device_keys is not an object for the sender");
        }
        String deviceId = text(keys, "device_id");
        if (deviceId == null || deviceId.isEmpty()) {
            throw problem(OlmEventException.Problem.DEVICE_KEYS_USER_MISMATCH, "sender_device_keys lacks device_id");
        }
        JsonNode keyMap = keys.path("keys");
        if (!senderCurveKey.equals(text(keyMap, "curve25519:" + deviceId))) {
            throw problem(OlmEventException.Problem.DEVICE_KEYS_CURVE_MISMATCH,
                    "sender_device_keys' Curve25519 key is not the event's sender_key");
        }
        if (!senderEd25519.equals(text(keyMap, "ed25519:" + deviceId))) {
            throw problem(OlmEventException.Problem.DEVICE_KEYS_ED25519_MISMATCH,
                    "sender_device_keys' Ed25519 key is not keys.ed25519");
        }
        try {
            JsonSignatures.verify(keys, eventSender,
                    VerifyKey.fromBase64(KeyId.ed25519(deviceId), senderEd25519));
        } catch (ProtocolException | IllegalArgumentException e) {
            throw problem(OlmEventException.Problem.DEVICE_KEYS_SIGNATURE_INVALID,
                    "sender_device_keys is not validly signed by its Ed25519 key");
        }
        return keys;
    }

    private static OlmEventException problem(OlmEventException.Problem problem, String detail) {
        return new OlmEventException(problem, detail);
    }
}
