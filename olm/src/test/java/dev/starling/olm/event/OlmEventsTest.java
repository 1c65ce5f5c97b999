package dev.starling.olm.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.account.Account;
import dev.starling.olm.session.EncryptedMessage;
import dev.starling.olm.session.OlmException;
import dev.starling.olm.session.Session;
import dev.starling.protocol.crypto.Base64s;
import dev.starling.protocol.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Olm-encrypted to-device events: the round trip, and each plaintext check refusing with its own problem. */
class OlmEventsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALICE = "@alice:example.org";
    private static final String BOB = "@bob:example.org";
    private static final String SECRET = "the-megolm-session-key-secret";

    private Account alice;
    private Account bob;
    private Store aliceStore;
    private Store bobStore;
    private OlmRecipient bobDevice;
    private OlmRecipient aliceDevice;
    private ObjectNode aliceDeviceKeys;

    /** An in-memory store. */
    static final class Store implements OlmSessionStore {
        final Map<String, List<Session>> sessions = new HashMap<>();

        @Override
        public List<Session> sessions(String peer) {
            return List.copyOf(sessions.getOrDefault(peer, List.of()));
        }

        @Override
        public void save(String peer, Session session) {
            List<Session> list = sessions.computeIfAbsent(peer, k -> new ArrayList<>());
            list.remove(session);
            list.add(0, session);
        }
    }

    @BeforeEach
    void devices() {
        alice = Account.create(RANDOM);
        bob = Account.create(RANDOM);
        aliceStore = new Store();
        bobStore = new Store();
        bobDevice = new OlmRecipient(BOB, bob.curve25519Key(), bob.ed25519Key());
        aliceDevice = new OlmRecipient(ALICE, alice.curve25519Key(), alice.ed25519Key());
        aliceDeviceKeys = alice.deviceKeys(ALICE, "ALICEDEV", List.of(OlmEvents.ALGORITHM));
    }

    private Session newSessionToBob() {
        bob.generateOneTimeKeys(1, RANDOM);
        String otk = bob.unpublishedOneTimeKeys().values().iterator().next();
        bob.markKeysAsPublished();
        return Session.createOutbound(alice, bob.curve25519Key(), otk, RANDOM);
    }

    private static ObjectNode roomKey() {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("algorithm", "m.megolm.v1.aes-sha2");
        content.put("room_id", "!room:example.org");
        content.put("session_id", "sid");
        content.put("session_key", SECRET);
        return content;
    }

    @Test
    void roomKeyTravelsOverOlmWithTheSendersKeys() {
        Session session = newSessionToBob();
        ObjectNode event = OlmEvents.encrypt(alice, ALICE, session, bobDevice, "m.room_key", roomKey(),
                aliceDeviceKeys, RANDOM);
        assertThat(event.get("algorithm").asText()).isEqualTo("m.olm.v1.curve25519-aes-sha2");
        assertThat(event.get("sender_key").asText()).isEqualTo(alice.curve25519Key());
        assertThat(event.at("/ciphertext/" + bob.curve25519Key().replace("/", "~1") + "/type").asInt()).isZero();
        assertThat(event.toString()).doesNotContain(SECRET);

        DecryptedOlmEvent opened = OlmEvents.decrypt(bob, BOB, bobStore, ALICE, event, null);
        assertThat(opened.isRoomKey()).isTrue();
        assertThat(opened.roomKeyContent()).isEqualTo(roomKey());
        assertThat(opened.senderCurve25519Key()).isEqualTo(alice.curve25519Key());
        assertThat(opened.senderEd25519Key()).isEqualTo(alice.ed25519Key());
        assertThat(opened.ed25519Source()).isEqualTo(DecryptedOlmEvent.Ed25519Source.SENDER_DEVICE_KEYS);
        assertThat(opened.senderDeviceKeys()).isEqualTo(aliceDeviceKeys);
        assertThat(opened.sessionId()).isEqualTo(session.sessionId());
        assertThat(opened.toString()).doesNotContain(SECRET);
        assertThat(bob.unpublishedOneTimeKeys()).isEmpty();
        assertThat(bob.oneTimeKeys()).isEmpty();

        // a second pre-key message goes to the same session; the known device key confirms keys.ed25519
        ObjectNode second = OlmEvents.encrypt(alice, ALICE, session, bobDevice, "m.dummy",
                JsonNodeFactory.instance.objectNode(), null, RANDOM);
        DecryptedOlmEvent dummy = OlmEvents.decrypt(bob, BOB, bobStore, ALICE, second, alice.ed25519Key());
        assertThat(dummy.ed25519Source()).isEqualTo(DecryptedOlmEvent.Ed25519Source.DEVICE_LIST);
        assertThat(bobStore.sessions(alice.curve25519Key())).hasSize(1);
        refused(dummy::roomKeyContent, OlmEventException.Problem.NOT_A_ROOM_KEY);

        // Bob answers over the same session with a normal message
        aliceStore.save(bob.curve25519Key(), session);
        Session bobSession = bobStore.sessions(alice.curve25519Key()).get(0);
        ObjectNode reply = OlmEvents.encrypt(bob, BOB, bobSession, aliceDevice, "m.dummy",
                JsonNodeFactory.instance.objectNode(), null, RANDOM);
        assertThat(reply.at("/ciphertext/" + alice.curve25519Key().replace("/", "~1") + "/type").asInt()).isEqualTo(1);
        DecryptedOlmEvent back = OlmEvents.decrypt(alice, ALICE, aliceStore, BOB, reply, bob.ed25519Key());
        assertThat(back.type()).isEqualTo("m.dummy");
        assertThat(back.ed25519Source()).isEqualTo(DecryptedOlmEvent.Ed25519Source.DEVICE_LIST);
    }

    @Test
    void eachPlaintextCheckRefusesWithItsOwnProblem() {
        check(p -> p.put("sender", "@mallory:example.org"), null, OlmEventException.Problem.SENDER_MISMATCH);
        check(p -> p.put("recipient", "@carol:example.org"), null, OlmEventException.Problem.RECIPIENT_MISMATCH);
        check(p -> p.with("recipient_keys").put("ed25519", alice.ed25519Key()), null,
                OlmEventException.Problem.RECIPIENT_KEY_MISMATCH);
        check(p -> p.remove("recipient_keys"), null, OlmEventException.Problem.RECIPIENT_KEY_MISMATCH);
        check(p -> p.remove("keys"), null, OlmEventException.Problem.MISSING_SENDER_KEY);
        check(p -> { }, bob.ed25519Key(), OlmEventException.Problem.SENDER_KEY_MISMATCH);
        check(p -> p.set("sender_device_keys", bob.deviceKeys(BOB, "BOBDEV", List.of())), null,
                OlmEventException.Problem.DEVICE_KEYS_USER_MISMATCH);
        Account other = Account.create(RANDOM);
        check(p -> p.set("sender_device_keys", signedWith(alice, c -> c.put("curve25519:ALICEDEV",
                other.curve25519Key()))), null, OlmEventException.Problem.DEVICE_KEYS_CURVE_MISMATCH);
        check(p -> p.set("sender_device_keys", signedWith(other, c -> c.put("curve25519:ALICEDEV",
                alice.curve25519Key()))), null, OlmEventException.Problem.DEVICE_KEYS_ED25519_MISMATCH);
        check(p -> {
            ObjectNode forged = aliceDeviceKeys.deepCopy();
            forged.put("device_id", "ALICEDEV");
            forged.putArray("algorithms").add("forged");
            p.set("sender_device_keys", forged);
        }, null, OlmEventException.Problem.DEVICE_KEYS_SIGNATURE_INVALID);
        check(p -> p.remove("content"), null, OlmEventException.Problem.MALFORMED_PLAINTEXT);
        check(p -> p.put("type", 5), null, OlmEventException.Problem.MALFORMED_PLAINTEXT);
    }

    @Test
    void nonJsonPlaintextIsRefused() {
        Session session = newSessionToBob();
        EncryptedMessage message = session.encrypt(("not json " + SECRET).getBytes(StandardCharsets.UTF_8), RANDOM);
        refused(() -> OlmEvents.decrypt(bob, BOB, bobStore, ALICE, wrap(message), null),
                OlmEventException.Problem.MALFORMED_PLAINTEXT);
    }

    @Test
    void contentProblemsAreRefused() {
        Session session = newSessionToBob();
        ObjectNode event = OlmEvents.encrypt(alice, ALICE, session, bobDevice, "m.room_key", roomKey(), null, RANDOM);
        ObjectNode megolm = event.deepCopy().put("algorithm", "m.megolm.v1.aes-sha2");
        refused(() -> OlmEvents.decrypt(bob, BOB, bobStore, ALICE, megolm, null), OlmEventException.Problem.WRONG_ALGORITHM);
        refused(() -> OlmEvents.decrypt(alice, ALICE, aliceStore, BOB, event, null),
                OlmEventException.Problem.NOT_FOR_THIS_DEVICE);
        ObjectNode noSenderKey = event.deepCopy();
        noSenderKey.remove("sender_key");
        refused(() -> OlmEvents.decrypt(bob, BOB, bobStore, ALICE, noSenderKey, null),
                OlmEventException.Problem.MALFORMED_CONTENT);
        ObjectNode shortKey = event.deepCopy().put("sender_key", Base64s.encode(new byte[31]));
        refused(() -> OlmEvents.decrypt(bob, BOB, bobStore, ALICE, shortKey, null),
                OlmEventException.Problem.MALFORMED_CONTENT);
        ObjectNode type2 = event.deepCopy();
        ((ObjectNode) type2.get("ciphertext").get(bob.curve25519Key())).put("type", 2);
        refused(() -> OlmEvents.decrypt(bob, BOB, bobStore, ALICE, type2, null),
                OlmEventException.Problem.MALFORMED_CONTENT);
        ObjectNode normal = event.deepCopy();
        ((ObjectNode) normal.get("ciphertext").get(bob.curve25519Key())).put("type", 1);
        refused(() -> OlmEvents.decrypt(bob, BOB, bobStore, ALICE, normal, null), OlmEventException.Problem.UNKNOWN_SESSION);
        ObjectNode tampered = event.deepCopy();
        ObjectNode entry = (ObjectNode) tampered.get("ciphertext").get(bob.curve25519Key());
        byte[] body = Base64s.decode(entry.get("body").asText());
        body[body.length - 1] ^= 1;
        entry.put("body", Base64s.encode(body));
        OlmEventException e = refused(() -> OlmEvents.decrypt(bob, BOB, bobStore, ALICE, tampered, null),
                OlmEventException.Problem.OLM_ERROR);
        assertThat(e.olmProblem()).isEqualTo(OlmException.Problem.BAD_MAC);
        assertThat(bob.oneTimeKeys()).hasSize(1);
        assertThat(OlmEvents.decrypt(bob, BOB, bobStore, ALICE, event, null).isRoomKey()).isTrue();
        assertThat(bob.oneTimeKeys()).isEmpty();
        OlmEventException replay = refused(() -> OlmEvents.decrypt(bob, BOB, bobStore, ALICE, event, null),
                OlmEventException.Problem.OLM_ERROR);
        assertThat(replay.olmProblem()).isEqualTo(OlmException.Problem.MESSAGE_KEY_ALREADY_USED);
        refused(() -> OlmEvents.encrypt(alice, ALICE, session, aliceDevice, "m.dummy",
                JsonNodeFactory.instance.objectNode(), null, RANDOM), OlmEventException.Problem.SESSION_MISMATCH);
    }

    private ObjectNode signedWith(Account signer, Consumer<ObjectNode> keys) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("user_id", ALICE);
        json.put("device_id", "ALICEDEV");
        json.putArray("algorithms").add(OlmEvents.ALGORITHM);
        ObjectNode keyMap = json.putObject("keys");
        keyMap.put("ed25519:ALICEDEV", signer.ed25519Key());
        keys.accept(keyMap);
        return signer.signJson(json, ALICE, "ALICEDEV");
    }

    private void check(Consumer<ObjectNode> change, String knownEd25519, OlmEventException.Problem problem) {
        ObjectNode plaintext = JsonNodeFactory.instance.objectNode();
        plaintext.put("type", "m.room_key");
        plaintext.set("content", roomKey());
        plaintext.put("sender", ALICE);
        plaintext.put("recipient", BOB);
        plaintext.putObject("recipient_keys").put("ed25519", bob.ed25519Key());
        plaintext.putObject("keys").put("ed25519", alice.ed25519Key());
        change.accept(plaintext);
        Session session = newSessionToBob();
        EncryptedMessage message = session.encrypt(CanonicalJson.encode(plaintext), RANDOM);
        refused(() -> OlmEvents.decrypt(bob, BOB, bobStore, ALICE, wrap(message), knownEd25519), problem);
    }

    private ObjectNode wrap(EncryptedMessage message) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("algorithm", OlmEvents.ALGORITHM);
        out.put("sender_key", alice.curve25519Key());
        out.putObject("ciphertext").putObject(bob.curve25519Key()).put("type", message.type()).put("body",
                message.body());
        return out;
    }

    private static OlmEventException refused(ThrowingCallable call, OlmEventException.Problem problem) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(OlmEventException.class);
        OlmEventException e = (OlmEventException) thrown;
        assertThat(e.problem()).as(e.getMessage()).isEqualTo(problem);
        assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContainPattern("[A-Za-z0-9+/]{16,}");
        return e;
    }
}
