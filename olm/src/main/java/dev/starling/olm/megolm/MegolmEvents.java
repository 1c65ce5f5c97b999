package dev.starling.olm.megolm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.crypto.Secrets;
import dev.starling.olm.megolm.MegolmException.Problem;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.json.InvalidJsonException;
import java.util.List;
import java.util.Set;

/**
 * Building and opening the {@code m.room.encrypted} content of a room event with {@code m.megolm.v1.aes-sha2}
 * (spec: "m.megolm.v1.aes-sha2"): {@code algorithm}, {@code sender_key}, {@code ciphertext},
 * {@code session_id}, {@code device_id}; the plaintext is {@code {"type", "content", "room_id"}}.
 *
 * <p>Opening checks: the session is known for this room (and the sender key, when given, is the session's);
 * the message decrypts (signature, index, MAC); no other event was seen at the same index (replay); the
 * plaintext's {@code room_id} is the event's room; and the plaintext is not a room key (room keys are
 * accepted only over Olm, SECURITY.md item 25).
 */
public final class MegolmEvents {
    private static final Set<String> ROOM_KEY_TYPES = Set.of("m.room_key", "m.forwarded_room_key");

    private MegolmEvents() {
    }

    /** A decrypted room event and what is known of its origin. */
    public record Decrypted(String type, ObjectNode content, long index, String senderKey, String claimedEd25519Key,
            boolean direct, boolean verified, List<String> forwardingChain) {
        @Override
        public String toString() {
            return "MegolmEvents.Decrypted[" + type + " at " + index + " from " + senderKey + "]";
        }
    }

    /** Encrypts an event of {@code type} with {@code content} for {@code roomId}; returns the encrypted content. */
    public static ObjectNode encrypt(OutboundGroupSession session, String roomId, String type, ObjectNode content,
            String ourCurve25519Key, String ourDeviceId) {
        ObjectNode plaintext = JsonNodeFactory.instance.objectNode();
        plaintext.put("type", type);
        plaintext.set("content", content);
        plaintext.put("room_id", roomId);
        byte[] bytes = CanonicalJson.encode(plaintext);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        try {
            out.put("algorithm", GroupSessions.MEGOLM_ALGORITHM);
            out.put("sender_key", ourCurve25519Key);
            out.put("ciphertext", session.encrypt(bytes));
            out.put("session_id", session.sessionId());
            out.put("device_id", ourDeviceId);
            return out;
        } finally {
            Secrets.wipe(bytes);
        }
    }

    /**
     * Opens the encrypted content of an event in {@code roomId} with ID {@code eventId} (and its
     * {@code origin_server_ts}, part of the replay key: the same event seen twice is not a replay).
     *
     * @throws MegolmException {@code MALFORMED_EVENT}, {@code UNKNOWN_SESSION}, {@code REPLAYED_INDEX},
     *     {@code ROOM_MISMATCH}, {@code ROOM_KEY_NOT_OVER_OLM}, or any message problem
     */
    public static Decrypted decrypt(GroupSessions sessions, String roomId, String eventId, long originServerTs,
            JsonNode encryptedContent) {
        if (!GroupSessions.MEGOLM_ALGORITHM.equals(GroupSessions.text(encryptedContent, "algorithm"))) {
            throw new MegolmException(Problem.MALFORMED_EVENT, "the content is not " + GroupSessions.MEGOLM_ALGORITHM);
        }
        String sessionId = GroupSessions.text(encryptedContent, "session_id");
        String ciphertext = GroupSessions.text(encryptedContent, "ciphertext");
        KnownGroupSession known = sessions.find(roomId, sessionId).orElseThrow(() -> new MegolmException(
                Problem.UNKNOWN_SESSION, "no session " + sessionId + " for room " + roomId));
        JsonNode senderKey = encryptedContent.get("sender_key");
        if (senderKey != null && (!senderKey.isTextual() || !senderKey.textValue().equals(known.senderKey()))) {
            throw new MegolmException(Problem.UNKNOWN_SESSION, "session " + sessionId + " is not known from that sender key");
        }
        InboundGroupSession.Decrypted decrypted = known.session().decrypt(ciphertext);
        try {
            known.recordIndex(decrypted.index(), eventId + "|" + originServerTs);
            ObjectNode plaintext;
            try {
                plaintext = CanonicalJson.parseObject(decrypted.plaintext());
            } catch (InvalidJsonException e) {
                throw new MegolmException(Problem.MALFORMED_EVENT, "the decrypted event is not a JSON object");
            }
            JsonNode room = plaintext.get("room_id");
            if (room == null || !room.isTextual() || !room.textValue().equals(roomId)
                    || !known.roomId().equals(roomId)) {
                throw new MegolmException(Problem.ROOM_MISMATCH, "the decrypted event is not for room " + roomId);
            }
            String type = GroupSessions.text(plaintext, "type");
            if (ROOM_KEY_TYPES.contains(type)) {
                throw new MegolmException(Problem.ROOM_KEY_NOT_OVER_OLM, type + " arrived over Megolm; refused");
            }
            JsonNode content = plaintext.get("content");
            if (!(content instanceof ObjectNode contentObject)) {
                throw new MegolmException(Problem.MALFORMED_EVENT, "the decrypted event has no content object");
            }
            return new Decrypted(type, contentObject, decrypted.index(), known.senderKey(), known.claimedEd25519Key(),
                    known.isDirect(), known.session().isVerified(), known.forwardingChain());
        } finally {
            Secrets.wipe(decrypted.plaintext());
        }
    }
}
