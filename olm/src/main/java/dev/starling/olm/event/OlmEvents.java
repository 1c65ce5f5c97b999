package dev.starling.olm.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.account.Account;
import dev.starling.olm.crypto.Secrets;
import dev.starling.olm.session.EncryptedMessage;
import dev.starling.olm.session.InboundSession;
import dev.starling.olm.session.OlmException;
import dev.starling.olm.session.Session;
import dev.starling.protocol.crypto.Base64s;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.json.InvalidJsonException;
import java.security.SecureRandom;

/**
 * {@code m.room.encrypted} content for {@code m.olm.v1.curve25519-aes-sha2} (spec: End-to-End Encryption,
 * "m.olm.v1.curve25519-aes-sha2"): building it for one recipient device, and opening it with the plaintext checks
 * of "Validation of incoming decrypted events".
 */
public final class OlmEvents {
    /** The algorithm name. */
    public static final String ALGORITHM = Account.OLM_ALGORITHM;

    private OlmEvents() {
    }

    /**
     * Encrypts an event of {@code type} with {@code content} for {@code recipient} over {@code session} (which must
     * be with that device). The plaintext carries {@code sender}, {@code recipient}, {@code recipient_keys},
     * {@code keys} and, when given, {@code sender_device_keys} (our signed device keys).
     */
    public static ObjectNode encrypt(Account account, String ourUserId, Session session, OlmRecipient recipient,
            String type, ObjectNode content, ObjectNode senderDeviceKeys, SecureRandom random) {
        if (!session.peerIdentityKey().equals(recipient.curve25519Key())) {
            throw new OlmEventException(OlmEventException.Problem.SESSION_MISMATCH,
                    "the session is not with the recipient device");
        }
        ObjectNode plaintext = JsonNodeFactory.instance.objectNode();
        plaintext.put("type", type);
        plaintext.set("content", content.deepCopy());
        plaintext.put("sender", ourUserId);
        plaintext.put("recipient", recipient.userId());
        plaintext.putObject("recipient_keys").put("ed25519", recipient.ed25519Key());
        plaintext.putObject("keys").put("ed25519", account.ed25519Key());
        if (senderDeviceKeys != null) {
            plaintext.set("sender_device_keys", senderDeviceKeys.deepCopy());
        }
        byte[] bytes = CanonicalJson.encode(plaintext);
        EncryptedMessage message;
        try {
            message = session.encrypt(bytes, random);
        } finally {
            Secrets.wipe(bytes);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("algorithm", ALGORITHM);
        out.put("sender_key", account.curve25519Key());
        ObjectNode forDevice = out.putObject("ciphertext").putObject(recipient.curve25519Key());
        forDevice.put("type", message.type());
        forDevice.put("body", message.body());
        return out;
    }

    /**
     * Decrypts a to-device {@code m.room.encrypted} event's content sent by {@code eventSender} and applies the
     * plaintext checks. A pre-key message goes to the session it matches, else makes a new inbound session (the
     * one-time key is removed only once that decrypted); a normal message is tried on each session with the sender
     * key. A session that decrypted is passed to {@link OlmSessionStore#save}.
     *
     * @param knownSenderEd25519 the sending device's Ed25519 key from {@code /keys/query}, or null when unknown
     * @throws OlmEventException naming the problem; {@code OLM_ERROR} carries the Olm layer's problem
     */
    public static DecryptedOlmEvent decrypt(Account account, String ourUserId, OlmSessionStore store,
            String eventSender, ObjectNode content, String knownSenderEd25519) {
        if (!ALGORITHM.equals(text(content, "algorithm"))) {
            throw new OlmEventException(OlmEventException.Problem.WRONG_ALGORITHM,
                    "to-device events are accepted only under " + ALGORITHM);
        }
        String senderKey = text(content, "sender_key");
        JsonNode ciphertext = content.get("ciphertext");
        if (senderKey == null || !(ciphertext instanceof ObjectNode)) {
            throw malformed("the content lacks sender_key or ciphertext");
        }
        if (!isCurveKey(senderKey)) {
            throw malformed("sender_key is not a 32-byte key in unpadded base64");
        }
        JsonNode ours = ciphertext.get(account.curve25519Key());
        if (ours == null) {
            throw new OlmEventException(OlmEventException.Problem.NOT_FOR_THIS_DEVICE,
                    "the ciphertext has no entry for this device");
        }
        if (!(ours instanceof ObjectNode) || !ours.path("type").canConvertToExactIntegral()
                || !ours.path("type").isIntegralNumber() || !ours.path("body").isTextual()) {
            throw malformed("the ciphertext entry lacks an integer type or a string body");
        }
        int type = ours.get("type").asInt();
        String body = ours.get("body").asText();
        if (type != EncryptedMessage.PRE_KEY && type != EncryptedMessage.NORMAL
                || ours.get("type").longValue() != type) {
            throw malformed("the message type is neither 0 nor 1");
        }
        Session session = null;
        byte[] plaintext = null;
        try {
            try {
                for (Session candidate : store.sessions(senderKey)) {
                    if (type == EncryptedMessage.PRE_KEY && !candidate.matchesInboundSession(senderKey, body)) {
                        continue;
                    }
                    try {
                        plaintext = candidate.decrypt(type, body);
                        session = candidate;
                        break;
                    } catch (OlmException e) {
                        if (type == EncryptedMessage.PRE_KEY) {
                            throw e; // the session the message is for refused it
                        }
                    }
                }
                if (session == null && type == EncryptedMessage.NORMAL) {
                    throw new OlmEventException(OlmEventException.Problem.UNKNOWN_SESSION,
                            "no session with the sender decrypts this message");
                }
                if (session == null) {
                    InboundSession inbound = Session.createInbound(account, senderKey, body);
                    session = inbound.session();
                    plaintext = inbound.plaintext();
                }
            } catch (OlmException e) {
                throw new OlmEventException(OlmEventException.Problem.OLM_ERROR, "the Olm layer refused the message ("
                        + e.problem() + ")", e.problem());
            }
            store.save(senderKey, session);
            ObjectNode payload;
            try {
                payload = CanonicalJson.parseObject(plaintext);
            } catch (InvalidJsonException e) {
                throw new OlmEventException(OlmEventException.Problem.MALFORMED_PLAINTEXT,
                        "the plaintext is not a JSON object");
            }
            return PlaintextChecks.check(account, ourUserId, eventSender, senderKey, payload, knownSenderEd25519,
                    session.sessionId());
        } finally {
            Secrets.wipe(plaintext);
        }
    }

    private static boolean isCurveKey(String base64) {
        try {
            return Base64s.decode(base64).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static OlmEventException malformed(String detail) {
        return new OlmEventException(OlmEventException.Problem.MALFORMED_CONTENT, detail);
    }
}
