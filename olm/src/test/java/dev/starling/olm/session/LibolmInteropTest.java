package dev.starling.olm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.account.Account;
import dev.starling.olm.event.DecryptedOlmEvent;
import dev.starling.olm.event.OlmEvents;
import dev.starling.olm.event.OlmRecipient;
import dev.starling.olm.event.OlmSessionStore;
import dev.starling.protocol.crypto.Base64s;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live interop with libolm 3.2 (Debian python3-olm): sessions started from either side, messages both ways, out of
 * order, many ratchet steps, fallback keys, signatures. Fails (never skips) when python3-olm is missing.
 */
class LibolmInteropTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static LibolmPeer libolm;

    @BeforeAll
    static void start() {
        libolm = new LibolmPeer();
    }

    @AfterAll
    static void stop() {
        if (libolm != null) {
            libolm.close();
        }
    }

    @Test
    void javaStartsTheSessionAndTheyTalkThroughManyRatchetSteps() {
        Account java = Account.create(RANDOM);
        JsonNode theirKeys = libolm.call("create_account", "account", "l1");
        Map.Entry<String, JsonNode> otk = libolm.call("generate_one_time_keys", "account", "l1", "count", 1)
                .fields().next();
        Session session = Session.createOutbound(java, theirKeys.get("curve25519").asText(), otk.getValue().asText(),
                RANDOM);
        EncryptedMessage first = session.encrypt(utf8("hello libolm"), RANDOM);
        assertThat(first.type()).isZero();
        EncryptedMessage second = session.encrypt(utf8("second pre-key"), RANDOM);

        String id = libolm.call("inbound", "account", "l1", "session", "l1s", "identity_key", java.curve25519Key(),
                "body", first.body()).asText();
        assertThat(id).isEqualTo(session.sessionId());
        assertThat(libolm.call("matches", "session", "l1s", "body", second.body(), "identity_key",
                java.curve25519Key()).asBoolean()).isTrue();
        assertThat(decryptThere("l1s", first)).isEqualTo("hello libolm");
        assertThat(decryptThere("l1s", second)).isEqualTo("second pre-key");
        pingPong(session, "l1s", 60);
    }

    @Test
    void libolmStartsTheSessionFromOurOneTimeKey() {
        Account java = Account.create(RANDOM);
        java.generateOneTimeKeys(3, RANDOM);
        String keyId = java.unpublishedOneTimeKeys().keySet().iterator().next();
        String oneTimeKey = java.unpublishedOneTimeKeys().get(keyId);
        java.markKeysAsPublished();
        JsonNode theirKeys = libolm.call("create_account", "account", "l2");
        libolm.call("outbound", "account", "l2", "session", "l2s", "identity_key", java.curve25519Key(),
                "one_time_key", oneTimeKey);
        EncryptedMessage first = encryptThere("l2s", "from libolm");
        assertThat(first.type()).isZero();

        InboundSession inbound = Session.createInbound(java, theirKeys.get("curve25519").asText(), first.body());
        assertThat(new String(inbound.plaintext(), StandardCharsets.UTF_8)).isEqualTo("from libolm");
        assertThat(inbound.session().sessionId()).isEqualTo(libolm.call("session_id", "session", "l2s").asText());
        assertThat(java.oneTimeKeys()).extracting(k -> k.keyId()).doesNotContain(keyId).hasSize(2);
        assertThatThrownBy(() -> Session.createInbound(java, theirKeys.get("curve25519").asText(), first.body()))
                .isInstanceOfSatisfying(OlmException.class,
                        e -> assertThat(e.problem()).isEqualTo(OlmException.Problem.UNKNOWN_ONE_TIME_KEY));
        pingPong(inbound.session(), "l2s", 60);
    }

    @Test
    void outOfOrderMessagesAcrossRatchetStepsBothWays() {
        Account java = Account.create(RANDOM);
        JsonNode theirKeys = libolm.call("create_account", "account", "l3");
        String otk = libolm.call("generate_one_time_keys", "account", "l3", "count", 1).fields().next().getValue()
                .asText();
        Session session = Session.createOutbound(java, theirKeys.get("curve25519").asText(), otk, RANDOM);
        EncryptedMessage hello = session.encrypt(utf8("hello"), RANDOM);
        libolm.call("inbound", "account", "l3", "session", "l3s", "body", hello.body());
        decryptThere("l3s", hello);
        Random shuffle = new Random(7);
        for (int round = 0; round < 5; round++) {
            // libolm → Java: a batch delivered shuffled (a new ratchet chain for each round)
            List<Object[]> batch = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                batch.add(new Object[] {encryptThere("l3s", "l" + round + "/" + i), "l" + round + "/" + i});
            }
            Collections.shuffle(batch, shuffle);
            for (Object[] item : batch) {
                assertThat(new String(session.decrypt((EncryptedMessage) item[0]), StandardCharsets.UTF_8))
                        .isEqualTo(item[1]);
            }
            // Java → libolm, shuffled as well
            batch.clear();
            for (int i = 0; i < 12; i++) {
                batch.add(new Object[] {session.encrypt(utf8("j" + round + "/" + i), RANDOM), "j" + round + "/" + i});
            }
            Collections.shuffle(batch, shuffle);
            for (Object[] item : batch) {
                assertThat(decryptThere("l3s", (EncryptedMessage) item[0])).isEqualTo(item[1]);
            }
        }
        // a message from an older chain arriving after a newer chain: kept as a skipped key on both sides
        EncryptedMessage late = encryptThere("l3s", "late");
        EncryptedMessage onTime = encryptThere("l3s", "on time");
        assertThat(new String(session.decrypt(onTime), StandardCharsets.UTF_8)).isEqualTo("on time");
        EncryptedMessage reply = session.encrypt(utf8("reply"), RANDOM);
        assertThat(decryptThere("l3s", reply)).isEqualTo("reply");
        EncryptedMessage next = encryptThere("l3s", "next chain");
        assertThat(new String(session.decrypt(next), StandardCharsets.UTF_8)).isEqualTo("next chain");
        assertThat(new String(session.decrypt(late), StandardCharsets.UTF_8)).isEqualTo("late");
        assertThatThrownBy(() -> session.decrypt(late)).isInstanceOfSatisfying(OlmException.class,
                e -> assertThat(e.problem()).isEqualTo(OlmException.Problem.MESSAGE_KEY_ALREADY_USED));
    }

    @Test
    void libolmUsesOurFallbackKeyTwiceAndWeKeepIt() {
        Account java = Account.create(RANDOM);
        java.generateFallbackKey(RANDOM);
        String fallback = java.unpublishedFallbackKey().values().iterator().next();
        java.markKeysAsPublished();
        assertThat(java.unpublishedFallbackKey()).isEmpty();
        for (String name : List.of("l4a", "l4b")) {
            JsonNode theirKeys = libolm.call("create_account", "account", name);
            libolm.call("outbound", "account", name, "session", name + "s", "identity_key", java.curve25519Key(),
                    "one_time_key", fallback);
            EncryptedMessage first = encryptThere(name + "s", "via fallback " + name);
            InboundSession inbound = Session.createInbound(java, theirKeys.get("curve25519").asText(), first.body());
            assertThat(new String(inbound.plaintext(), StandardCharsets.UTF_8)).isEqualTo("via fallback " + name);
            pingPong(inbound.session(), name + "s", 3);
        }
        assertThat(java.fallbackKey().publicKey()).isEqualTo(fallback);
    }

    @Test
    void libolmTakesJavaLibolmFallbackKeysForOutboundSessions() {
        Account java = Account.create(RANDOM);
        JsonNode theirKeys = libolm.call("create_account", "account", "l5");
        String fallback = libolm.call("generate_fallback_key", "account", "l5").fields().next().getValue().asText();
        Session session = Session.createOutbound(java, theirKeys.get("curve25519").asText(), fallback, RANDOM);
        EncryptedMessage first = session.encrypt(utf8("to your fallback key"), RANDOM);
        libolm.call("inbound", "account", "l5", "session", "l5s", "identity_key", java.curve25519Key(),
                "body", first.body());
        assertThat(decryptThere("l5s", first)).isEqualTo("to your fallback key");
        pingPong(session, "l5s", 3);
    }

    @Test
    void signaturesVerifyBothWays() {
        Account java = Account.create(RANDOM);
        String message = "{\"a\":1}";
        assertThat(libolm.call("verify", "key", java.ed25519Key(), "message", message, "signature",
                java.sign(utf8(message))).asBoolean()).isTrue();
        JsonNode theirKeys = libolm.call("create_account", "account", "l6");
        String signature = libolm.call("sign", "account", "l6", "message", message).asText();
        VerifyKey key = VerifyKey.fromBase64(KeyId.ed25519("L6"), theirKeys.get("ed25519").asText());
        assertThat(key.verify(utf8(message), Base64s.decode(signature))).isTrue();
    }

    @Test
    void olmEventsTravelBothWaysWithLibolmSessions() {
        Account java = Account.create(RANDOM);
        JsonNode theirKeys = libolm.call("create_account", "account", "l7");
        String otk = libolm.call("generate_one_time_keys", "account", "l7", "count", 1).fields().next().getValue()
                .asText();
        String theirCurve = theirKeys.get("curve25519").asText();
        String theirEd = theirKeys.get("ed25519").asText();
        Session session = Session.createOutbound(java, theirCurve, otk, RANDOM);
        ObjectNode roomKey = JsonNodeFactory.instance.objectNode().put("algorithm", "m.megolm.v1.aes-sha2")
                .put("room_id", "!r:example.org").put("session_id", "s").put("session_key", "k");
        ObjectNode event = OlmEvents.encrypt(java, "@java:example.org", session,
                new OlmRecipient("@py:example.org", theirCurve, theirEd), "m.room_key", roomKey,
                java.deviceKeys("@java:example.org", "JAVADEV", List.of(OlmEvents.ALGORITHM)), RANDOM);
        JsonNode entry = event.get("ciphertext").get(theirCurve);
        libolm.call("inbound", "account", "l7", "session", "l7s", "identity_key", java.curve25519Key(),
                "body", entry.get("body").asText());
        ObjectNode plaintext = CanonicalJson.parseObject(libolm.call("decrypt", "session", "l7s", "type",
                entry.get("type").asInt(), "body", entry.get("body").asText()).asText());
        assertThat(plaintext.get("content")).isEqualTo(roomKey);
        assertThat(plaintext.at("/recipient_keys/ed25519").asText()).isEqualTo(theirEd);
        assertThat(plaintext.at("/keys/ed25519").asText()).isEqualTo(java.ed25519Key());

        // what matrix-nio writes (json.dumps with spaces), encrypted by libolm, opened by OlmEvents
        String nioStyle = "{\"type\": \"m.room_key\", \"content\": " + roomKey + ", \"sender\": \"@py:example.org\", "
                + "\"sender_device\": \"PYDEV\", \"keys\": {\"ed25519\": \"" + theirEd + "\"}, \"recipient\": "
                + "\"@java:example.org\", \"recipient_keys\": {\"ed25519\": \"" + java.ed25519Key() + "\"}}";
        JsonNode reply = libolm.call("encrypt", "session", "l7s", "plaintext", nioStyle);
        ObjectNode content = JsonNodeFactory.instance.objectNode().put("algorithm", OlmEvents.ALGORITHM)
                .put("sender_key", theirCurve);
        content.putObject("ciphertext").putObject(java.curve25519Key()).put("type", reply.get("type").asInt())
                .put("body", reply.get("body").asText());
        OlmSessionStore store = new OlmSessionStore() {
            @Override
            public List<Session> sessions(String peer) {
                return peer.equals(theirCurve) ? List.of(session) : List.of();
            }

            @Override
            public void save(String peer, Session saved) {
                assertThat(saved).isSameAs(session);
            }
        };
        DecryptedOlmEvent opened = OlmEvents.decrypt(java, "@java:example.org", store, "@py:example.org", content,
                theirEd);
        assertThat(opened.roomKeyContent()).isEqualTo(roomKey);
        assertThat(opened.ed25519Source()).isEqualTo(DecryptedOlmEvent.Ed25519Source.DEVICE_LIST);
    }

    private static void pingPong(Session session, String theirs, int rounds) {
        for (int i = 0; i < rounds; i++) {
            EncryptedMessage fromThem = encryptThere(theirs, "them " + i + " é✓");
            if (i > 0) {
                assertThat(fromThem.type()).isEqualTo(1);
            }
            assertThat(new String(session.decrypt(fromThem), StandardCharsets.UTF_8)).isEqualTo("them " + i + " é✓");
            int burst = 1 + i % 3;
            for (int j = 0; j < burst; j++) {
                EncryptedMessage fromUs = session.encrypt(utf8("us " + i + "." + j), RANDOM);
                assertThat(fromUs.type()).isEqualTo(1);
                assertThat(decryptThere(theirs, fromUs)).isEqualTo("us " + i + "." + j);
            }
        }
    }

    private static EncryptedMessage encryptThere(String session, String plaintext) {
        JsonNode m = libolm.call("encrypt", "session", session, "plaintext", plaintext);
        return new EncryptedMessage(m.get("type").asInt(), m.get("body").asText());
    }

    private static String decryptThere(String session, EncryptedMessage message) {
        return libolm.call("decrypt", "session", session, "type", message.type(), "body", message.body()).asText();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
