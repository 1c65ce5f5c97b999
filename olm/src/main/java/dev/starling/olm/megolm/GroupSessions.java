package dev.starling.olm.megolm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.megolm.MegolmException.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The inbound group sessions we know, by room and session ID, and the only door through which they enter:
 * {@link #acceptRoomKey} and {@link #acceptForwardedRoomKey}, both taking an {@link OlmDecryptedToDevice} —
 * so a room key is accepted only over Olm (SECURITY.md item 25), and a forward only when we asked for it from
 * our own verified devices (item 27). Not thread-safe; persistence is the caller's, with
 * {@link InboundGroupSession#toBytes()}.
 */
public final class GroupSessions {
    /** The Megolm algorithm name. */
    public static final String MEGOLM_ALGORITHM = "m.megolm.v1.aes-sha2";

    private final String ourUserId;
    private final Map<String, KnownGroupSession> sessions = new HashMap<>();

    /** Sessions of {@code ourUserId}'s device. */
    public GroupSessions(String ourUserId) {
        this.ourUserId = ourUserId;
    }

    /** The session for a room and session ID, if known. */
    public Optional<KnownGroupSession> find(String roomId, String sessionId) {
        return Optional.ofNullable(sessions.get(key(roomId, sessionId)));
    }

    /** Adds a session we created ourselves (our outbound session's inbound twin). */
    public KnownGroupSession addOwn(OutboundGroupSession outbound, String roomId, String ourCurve25519Key,
            String ourEd25519Key) {
        return put(new KnownGroupSession(outbound.toInbound(), roomId, ourCurve25519Key, ourEd25519Key, List.of()));
    }

    /**
     * Accepts an {@code m.room_key} that arrived over Olm.
     *
     * @throws MegolmException {@code ROOM_KEY_NOT_OVER_OLM}, {@code MALFORMED_EVENT}, {@code SESSION_CONFLICT}
     *     or a session key problem
     */
    public KnownGroupSession acceptRoomKey(OlmDecryptedToDevice event) {
        requireOverOlm(event, "m.room_key");
        JsonNode content = event.payload().get("content");
        String roomId = text(content, "room_id");
        String sessionId = text(content, "session_id");
        requireMegolm(content);
        InboundGroupSession session = InboundGroupSession.fromSessionKey(text(content, "session_key"));
        if (!session.sessionId().equals(sessionId)) {
            throw new MegolmException(Problem.MALFORMED_EVENT, "the session key is for another session than "
                    + sessionId);
        }
        return offer(new KnownGroupSession(session, roomId, event.senderCurve25519Key(), event.senderEd25519Key(),
                List.of()));
    }

    /**
     * Accepts an {@code m.forwarded_room_key} that arrived over Olm, only when it answers one of our pending
     * requests and comes from one of our own devices that {@code ownVerifiedDevice} confirms by its
     * (user ID, Curve25519 key) — the predicate checks the key, not a device ID (SECURITY.md item 28).
     *
     * @throws MegolmException {@code ROOM_KEY_NOT_OVER_OLM}, {@code UNTRUSTED_FORWARDER},
     *     {@code UNSOLICITED_FORWARD}, {@code MALFORMED_EVENT} or a session key problem
     */
    public KnownGroupSession acceptForwardedRoomKey(OlmDecryptedToDevice event, KeyRequests requests,
            BiPredicate<String, String> ownVerifiedDevice) {
        requireOverOlm(event, "m.forwarded_room_key");
        if (!ourUserId.equals(event.senderUserId())
                || !ownVerifiedDevice.test(event.senderUserId(), event.senderCurve25519Key())) {
            throw new MegolmException(Problem.UNTRUSTED_FORWARDER, "forwarded keys are accepted only from our own "
                    + "verified devices, not " + event.senderUserId() + " " + event.senderCurve25519Key());
        }
        JsonNode content = event.payload().get("content");
        String roomId = text(content, "room_id");
        String sessionId = text(content, "session_id");
        String senderKey = text(content, "sender_key");
        requireMegolm(content);
        KeyRequests.Request request = requests.pending(roomId, sessionId).orElseThrow(() -> new MegolmException(
                Problem.UNSOLICITED_FORWARD, "no pending request for session " + sessionId + " in " + roomId));
        if (!request.senderKey().equals(senderKey)) {
            throw new MegolmException(Problem.UNSOLICITED_FORWARD, "the forward is for another sender key than asked");
        }
        InboundGroupSession session = InboundGroupSession.importExported(text(content, "session_key"));
        if (!session.sessionId().equals(sessionId)) {
            throw new MegolmException(Problem.MALFORMED_EVENT, "the session key is for another session than "
                    + sessionId);
        }
        List<String> chain = stringList(content.get("forwarding_curve25519_key_chain"));
        chain.add(event.senderCurve25519Key());
        KnownGroupSession known = offer(new KnownGroupSession(session, roomId, senderKey,
                text(content, "sender_claimed_ed25519_key"), chain));
        requests.answer(roomId, sessionId);
        return known;
    }

    /**
     * Imports a room key restored from our key backup (the decrypted {@code session_data}: {@code algorithm},
     * {@code sender_key}, {@code session_key} (an export), {@code sender_claimed_keys},
     * {@code forwarding_curve25519_key_chain}). The caller has checked the backup's {@code auth_data} against
     * a key it trusts; the session is not direct.
     *
     * @throws MegolmException {@code MALFORMED_EVENT} or a session key problem
     */
    public KnownGroupSession importBackedUp(String roomId, String sessionId, ObjectNode backedUp) {
        requireMegolm(backedUp);
        InboundGroupSession session = InboundGroupSession.importExported(text(backedUp, "session_key"));
        if (!session.sessionId().equals(sessionId)) {
            throw new MegolmException(Problem.MALFORMED_EVENT, "the backed-up key is for another session than "
                    + sessionId);
        }
        List<String> chain = new ArrayList<>(stringList(backedUp.get("forwarding_curve25519_key_chain")));
        String claimed = text(backedUp.path("sender_claimed_keys"), "ed25519");
        // A backed-up key is never treated as direct: mark it with the backup as its last hop.
        chain.add("backup");
        return offer(new KnownGroupSession(session, roomId, text(backedUp, "sender_key"), claimed, chain));
    }

    private static List<String> stringList(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isMissingNode()) {
            return out;
        }
        if (!node.isArray()) {
            throw new MegolmException(Problem.MALFORMED_EVENT, "forwarding_curve25519_key_chain is not an array");
        }
        for (JsonNode k : node) {
            if (!k.isTextual()) {
                throw new MegolmException(Problem.MALFORMED_EVENT, "the forwarding chain holds a non-string");
            }
            out.add(k.textValue());
        }
        return out;
    }

    /** Keeps the better of the known and the offered session: the one that decrypts from an earlier index. */
    private KnownGroupSession offer(KnownGroupSession offered) {
        KnownGroupSession known = sessions.get(key(offered.roomId(), offered.session().sessionId()));
        if (known == null) {
            return put(offered);
        }
        if (!known.senderKey().equals(offered.senderKey())) {
            throw new MegolmException(Problem.SESSION_CONFLICT, "session " + offered.session().sessionId()
                    + " is already known from another sender key");
        }
        if (offered.session().firstKnownIndex() < known.session().firstKnownIndex()) {
            return put(offered);
        }
        return known;
    }

    private KnownGroupSession put(KnownGroupSession session) {
        sessions.put(key(session.roomId(), session.session().sessionId()), session);
        return session;
    }

    private static void requireOverOlm(OlmDecryptedToDevice event, String type) {
        if (!OlmDecryptedToDevice.OLM_ALGORITHM.equals(event.encryptedWith())) {
            throw new MegolmException(Problem.ROOM_KEY_NOT_OVER_OLM, type + " arrived encrypted with "
                    + event.encryptedWith() + "; room keys are accepted only over Olm");
        }
        if (!type.equals(event.type())) {
            throw new MegolmException(Problem.MALFORMED_EVENT, "expected " + type + ", got " + event.type());
        }
        if (!event.senderUserId().equals(event.payload().path("sender").asText(null))) {
            throw new MegolmException(Problem.MALFORMED_EVENT, "the payload's sender is not the to-device sender");
        }
    }

    private static void requireMegolm(JsonNode content) {
        if (!MEGOLM_ALGORITHM.equals(text(content, "algorithm"))) {
            throw new MegolmException(Problem.MALFORMED_EVENT, "the room key is not for " + MEGOLM_ALGORITHM);
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node instanceof ObjectNode object ? object.get(field) : null;
        if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
            throw new MegolmException(Problem.MALFORMED_EVENT, field + " is missing or not a string");
        }
        return value.textValue();
    }

    private static String key(String roomId, String sessionId) {
        return roomId + "\u0000" + sessionId;
    }
}
