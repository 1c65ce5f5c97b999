package dev.starling.olm.megolm;

import static dev.starling.olm.megolm.GroupSessionTest.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.megolm.MegolmException.Problem;
import dev.starling.protocol.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The Megolm event level: building and opening room events, and the rules for accepting room keys. */
class MegolmEventsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ROOM = "!room:example.org";
    private static final String ALICE = "@alice:example.org";
    private static final String ALICE_CURVE = "aliceCurve25519Key";
    private static final String ALICE_ED = "aliceEd25519Key";
    private static final String SECRET = "TOP-SECRET-PLAINTEXT";

    private final OutboundGroupSession outbound = OutboundGroupSession.create(RANDOM);
    private final GroupSessions bobSessions = new GroupSessions("@bob:example.org");

    @Test
    void roomEventRoundTripsThroughARoomKeyReceivedOverOlm() {
        KnownGroupSession known = bobSessions.acceptRoomKey(roomKeyEvent(OlmDecryptedToDevice.OLM_ALGORITHM));
        assertThat(known.isDirect()).isTrue();
        ObjectNode content = MegolmEvents.encrypt(outbound, ROOM, "m.room.message", message(SECRET), ALICE_CURVE, "ADEV");
        assertThat(content.get("algorithm").asText()).isEqualTo("m.megolm.v1.aes-sha2");
        assertThat(content.get("session_id").asText()).isEqualTo(outbound.sessionId());
        assertThat(content.get("device_id").asText()).isEqualTo("ADEV");
        assertThat(content.toString()).doesNotContain(SECRET);
        MegolmEvents.Decrypted event = MegolmEvents.decrypt(bobSessions, ROOM, "$e1", 1L, content);
        assertThat(event.type()).isEqualTo("m.room.message");
        assertThat(event.content().get("body").asText()).isEqualTo(SECRET);
        assertThat(event.index()).isZero();
        assertThat(event.senderKey()).isEqualTo(ALICE_CURVE);
        assertThat(event.claimedEd25519Key()).isEqualTo(ALICE_ED);
        assertThat(event.verified()).isTrue();
        // The same event decrypted again is not a replay.
        assertThat(MegolmEvents.decrypt(bobSessions, ROOM, "$e1", 1L, content).index()).isZero();
    }

    @Test
    void aSecondEventAtAKnownIndexIsAReplay() {
        bobSessions.acceptRoomKey(roomKeyEvent(OlmDecryptedToDevice.OLM_ALGORITHM));
        ObjectNode content = MegolmEvents.encrypt(outbound, ROOM, "m.room.message", message(SECRET), ALICE_CURVE, "ADEV");
        MegolmEvents.decrypt(bobSessions, ROOM, "$e1", 1L, content);
        problem(Problem.REPLAYED_INDEX, () -> MegolmEvents.decrypt(bobSessions, ROOM, "$e2", 2L, content));
        problem(Problem.REPLAYED_INDEX, () -> MegolmEvents.decrypt(bobSessions, ROOM, "$e1", 9L, content));
    }

    @Test
    void unknownSessionsWrongSenderKeysAndOtherRoomsAreRefused() {
        ObjectNode content = MegolmEvents.encrypt(outbound, ROOM, "m.room.message", message(SECRET), ALICE_CURVE, "ADEV");
        problem(Problem.UNKNOWN_SESSION, () -> MegolmEvents.decrypt(bobSessions, ROOM, "$e", 1L, content));
        bobSessions.acceptRoomKey(roomKeyEvent(OlmDecryptedToDevice.OLM_ALGORITHM));
        problem(Problem.UNKNOWN_SESSION, () -> MegolmEvents.decrypt(bobSessions, "!other:example.org", "$e", 1L, content));
        ObjectNode otherSender = content.deepCopy().put("sender_key", "mallory");
        problem(Problem.UNKNOWN_SESSION, () -> MegolmEvents.decrypt(bobSessions, ROOM, "$e", 1L, otherSender));
        // An event encrypted for another room with this session (a sender moving ciphertext between rooms).
        ObjectNode elsewhere = MegolmEvents.encrypt(outbound, "!other:example.org", "m.room.message", message(SECRET),
                ALICE_CURVE, "ADEV");
        problem(Problem.ROOM_MISMATCH, () -> MegolmEvents.decrypt(bobSessions, ROOM, "$e3", 1L, elsewhere));
        ObjectNode noCiphertext = content.deepCopy();
        noCiphertext.remove("ciphertext");
        problem(Problem.MALFORMED_EVENT, () -> MegolmEvents.decrypt(bobSessions, ROOM, "$e", 1L, noCiphertext));
        ObjectNode olm = content.deepCopy().put("algorithm", "m.olm.v1.curve25519-aes-sha2");
        problem(Problem.MALFORMED_EVENT, () -> MegolmEvents.decrypt(bobSessions, ROOM, "$e", 1L, olm));
    }

    @Test
    void roomKeysAreAcceptedOnlyOverOlm() {
        // A to-device event encrypted with Megolm carrying m.room_key.
        problem(Problem.ROOM_KEY_NOT_OVER_OLM, () -> bobSessions.acceptRoomKey(roomKeyEvent("m.megolm.v1.aes-sha2")));
        problem(Problem.ROOM_KEY_NOT_OVER_OLM, () -> bobSessions.acceptRoomKey(roomKeyEvent("")));
        // A room event (over Megolm) whose plaintext is an m.room_key.
        bobSessions.acceptRoomKey(roomKeyEvent(OlmDecryptedToDevice.OLM_ALGORITHM));
        ObjectNode keyContent = (ObjectNode) roomKeyEvent(OlmDecryptedToDevice.OLM_ALGORITHM).payload().get("content");
        ObjectNode smuggled = MegolmEvents.encrypt(outbound, ROOM, "m.room_key", keyContent, ALICE_CURVE, "ADEV");
        problem(Problem.ROOM_KEY_NOT_OVER_OLM, () -> MegolmEvents.decrypt(bobSessions, ROOM, "$k", 1L, smuggled));
        // Another event type through the room-key door.
        ObjectNode payload = roomKeyEvent(OlmDecryptedToDevice.OLM_ALGORITHM).payload().put("type", "m.dummy");
        problem(Problem.MALFORMED_EVENT, () -> bobSessions.acceptRoomKey(
                new OlmDecryptedToDevice(OlmDecryptedToDevice.OLM_ALGORITHM, ALICE, ALICE_CURVE, ALICE_ED, payload)));
    }

    @Test
    void roomKeyForAnotherSessionIdOrWithABadSignatureIsRefused() {
        OlmDecryptedToDevice event = roomKeyEvent(OlmDecryptedToDevice.OLM_ALGORITHM);
        ((ObjectNode) event.payload().get("content")).put("session_id", OutboundGroupSession.create(RANDOM).sessionId());
        problem(Problem.MALFORMED_EVENT, () -> bobSessions.acceptRoomKey(new OlmDecryptedToDevice(
                event.encryptedWith(), ALICE, ALICE_CURVE, ALICE_ED, roomKeyPayloadWithSessionId("other"))));
        OlmDecryptedToDevice spoofed = new OlmDecryptedToDevice(OlmDecryptedToDevice.OLM_ALGORITHM, "@mallory:x",
                ALICE_CURVE, ALICE_ED, roomKeyEvent(OlmDecryptedToDevice.OLM_ALGORITHM).payload());
        problem(Problem.MALFORMED_EVENT, () -> bobSessions.acceptRoomKey(spoofed));
        // A known session offered again from another sender key.
        bobSessions.acceptRoomKey(roomKeyEvent(OlmDecryptedToDevice.OLM_ALGORITHM));
        problem(Problem.SESSION_CONFLICT, () -> bobSessions.acceptRoomKey(new OlmDecryptedToDevice(
                OlmDecryptedToDevice.OLM_ALGORITHM, ALICE, "otherCurve", ALICE_ED,
                roomKeyEvent(OlmDecryptedToDevice.OLM_ALGORITHM).payload())));
    }

    @Test
    void forwardedKeysOnlyWhenRequestedFromOurOwnVerifiedDevices() {
        GroupSessions mine = new GroupSessions("@bob:example.org");
        KeyRequests requests = new KeyRequests("BDEV", RANDOM);
        String export = outbound.toInbound().exportAtFirstKnownIndex();
        OlmDecryptedToDevice forward = forwardEvent("@bob:example.org", "bobOtherDeviceCurve", export);
        // Unsolicited: nothing was asked.
        problem(Problem.UNSOLICITED_FORWARD, () -> mine.acceptForwardedRoomKey(forward, requests, (u, k) -> true));
        ObjectNode request = requests.request(ROOM, ALICE_CURVE, outbound.sessionId());
        assertThat(request.get("body").get("session_id").asText()).isEqualTo(outbound.sessionId());
        // From another user, or from an unverified device of ours.
        problem(Problem.UNTRUSTED_FORWARDER, () -> mine.acceptForwardedRoomKey(
                forwardEvent("@mallory:example.org", "malloryCurve", export), requests, (u, k) -> true));
        problem(Problem.UNTRUSTED_FORWARDER, () -> mine.acceptForwardedRoomKey(forward, requests, (u, k) -> false));
        // Over Megolm.
        problem(Problem.ROOM_KEY_NOT_OVER_OLM, () -> mine.acceptForwardedRoomKey(new OlmDecryptedToDevice(
                "m.megolm.v1.aes-sha2", "@bob:example.org", "bobOtherDeviceCurve", "ed", forward.payload()),
                requests, (u, k) -> true));
        KnownGroupSession accepted = mine.acceptForwardedRoomKey(forward, requests,
                (u, k) -> u.equals("@bob:example.org") && k.equals("bobOtherDeviceCurve"));
        assertThat(accepted.forwardingChain()).containsExactly("bobOtherDeviceCurve");
        assertThat(accepted.isDirect()).isFalse();
        ObjectNode content = MegolmEvents.encrypt(outbound, ROOM, "m.room.message", message("hi"), ALICE_CURVE, "ADEV");
        MegolmEvents.Decrypted event = MegolmEvents.decrypt(mine, ROOM, "$f", 1L, content);
        assertThat(event.direct()).isFalse();
        assertThat(event.claimedEd25519Key()).isEqualTo(ALICE_ED);
        // The request is answered: a second forward is unsolicited.
        problem(Problem.UNSOLICITED_FORWARD, () -> mine.acceptForwardedRoomKey(forward, requests, (u, k) -> true));
        // A cancelled request no longer admits a forward either.
        GroupSessions third = new GroupSessions("@bob:example.org");
        requests.request(ROOM, ALICE_CURVE, outbound.sessionId());
        assertThat(requests.cancel(ROOM, outbound.sessionId()).orElseThrow().get("action").asText())
                .isEqualTo("request_cancellation");
        problem(Problem.UNSOLICITED_FORWARD, () -> third.acceptForwardedRoomKey(forward, requests, (u, k) -> true));
    }

    @Test
    void toStringsShowNoKeys() {
        OlmDecryptedToDevice event = roomKeyEvent(OlmDecryptedToDevice.OLM_ALGORITHM);
        assertThat(event.toString()).doesNotContain(outbound.sessionKey().substring(0, 20));
        assertThat(bobSessions.acceptRoomKey(event).toString()).doesNotContain(outbound.sessionKey().substring(0, 20));
    }

    private OlmDecryptedToDevice roomKeyEvent(String encryptedWith) {
        return new OlmDecryptedToDevice(encryptedWith, ALICE, ALICE_CURVE, ALICE_ED,
                roomKeyPayloadWithSessionId(outbound.sessionId()));
    }

    private ObjectNode roomKeyPayloadWithSessionId(String sessionId) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("type", "m.room_key").put("sender", ALICE);
        payload.putObject("content").put("algorithm", "m.megolm.v1.aes-sha2").put("room_id", ROOM)
                .put("session_id", sessionId).put("session_key", outbound.sessionKey());
        return payload;
    }

    private OlmDecryptedToDevice forwardEvent(String sender, String senderCurve, String export) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("type", "m.forwarded_room_key").put("sender", sender);
        ObjectNode content = payload.putObject("content");
        content.put("algorithm", "m.megolm.v1.aes-sha2").put("room_id", ROOM).put("sender_key", ALICE_CURVE)
                .put("session_id", outbound.sessionId()).put("session_key", export)
                .put("sender_claimed_ed25519_key", ALICE_ED);
        content.putArray("forwarding_curve25519_key_chain");
        return new OlmDecryptedToDevice(OlmDecryptedToDevice.OLM_ALGORITHM, sender, senderCurve, "ed", payload);
    }

    private static ObjectNode message(String body) {
        return CanonicalJson.parseObject(("{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }
}
