package dev.starling.olm.session;

import static dev.starling.olm.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.Vectors;
import dev.starling.olm.account.Account;
import dev.starling.protocol.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The libolm 3.2.13 vectors reproduced byte for byte: accounts, one-time keys, signatures, the outbound session
 * and its two pre-key messages, Bob's inbound session, his reply on a new ratchet key and Alice's next ratchet step.
 */
class LibolmVectorsTest {
    private static final JsonNode ALICE = Vectors.get("alice_account");
    private static final JsonNode BOB = Vectors.get("bob_account");
    private static final JsonNode TO_BOB = Vectors.get("olm_alice_to_bob");
    private static final JsonNode REPLIES = Vectors.get("olm_bob_replies");

    static Account alice() {
        return Account.create(hex(ALICE.get("random_hex")));
    }

    static Account bob() {
        Account bob = Account.create(hex(BOB.get("random_hex")));
        bob.generateOneTimeKeys(2, hex(BOB.get("one_time_keys_random_hex")));
        return bob;
    }

    @Test
    void accountsHaveLibolmsIdentityKeys() {
        assertThat(alice().identityKeysJson()).isEqualTo(ALICE.get("identity_keys"));
        assertThat(bob().identityKeysJson()).isEqualTo(BOB.get("identity_keys"));
    }

    @Test
    void oneTimeKeysHaveLibolmsIdsAndKeys() {
        Account bob = bob();
        Map<String, String> expected = new ObjectMapper().convertValue(
                BOB.get("one_time_keys").get("curve25519"), new com.fasterxml.jackson.core.type.TypeReference<>() {});
        assertThat(bob.unpublishedOneTimeKeys()).isEqualTo(expected);
        assertThat(bob.oneTimeKeys()).extracting(k -> k.keyId()).containsExactly("AAAAAQ", "AAAAAg");
    }

    @Test
    void signatureOverCanonicalJsonMatches() {
        JsonNode vector = Vectors.get("bob_sign_canonical_json");
        Account bob = bob();
        String message = vector.get("message").asText();
        assertThat(bob.sign(message.getBytes(StandardCharsets.UTF_8))).isEqualTo(vector.get("signature").asText());

        ObjectNode deviceKeys = bob.deviceKeys("@bob:example.org", "BOBDEVICE",
                List.of("m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"));
        ObjectNode unsigned = deviceKeys.deepCopy();
        unsigned.remove("signatures");
        assertThat(CanonicalJson.encodeToString(unsigned)).isEqualTo(message);
        assertThat(deviceKeys.at("/signatures/@bob:example.org/ed25519:BOBDEVICE").asText())
                .isEqualTo(vector.get("signature").asText());
    }

    @Test
    void conversationMatchesLibolmByteForByte() {
        Account alice = alice();
        Account bob = bob();
        Session outbound = Session.createOutbound(alice, TO_BOB.get("bob_identity_key").asText(),
                TO_BOB.get("bob_one_time_key").asText(), hex(TO_BOB.get("outbound_session_random_hex")));
        assertThat(outbound.sessionId()).isEqualTo(TO_BOB.get("session_id").asText());
        assertThat(outbound.oneTimeKey()).isEqualTo(TO_BOB.get("bob_one_time_key").asText());
        assertThat(outbound.peerIdentityKey()).isEqualTo(TO_BOB.get("bob_identity_key").asText());
        assertThat(outbound.encryptRandomLength()).isZero();

        EncryptedMessage m1 = outbound.encrypt(bytes(TO_BOB.at("/msg1/plaintext")), (byte[]) null);
        assertThat(m1).isEqualTo(new EncryptedMessage(0, TO_BOB.at("/msg1/body").asText()));
        EncryptedMessage m2 = outbound.encrypt(bytes(TO_BOB.at("/msg2/plaintext")), (byte[]) null);
        assertThat(m2).isEqualTo(new EncryptedMessage(0, TO_BOB.at("/msg2/body").asText()));

        assertThat(outbound.matchesInboundSession(null, m1.body())).isTrue();
        InboundSession inbound = Session.createInbound(bob, alice.curve25519Key(), m1.body());
        Session bobSession = inbound.session();
        assertThat(bobSession.sessionId()).isEqualTo(REPLIES.get("bob_session_id").asText());
        assertThat(text(inbound.plaintext())).isEqualTo(REPLIES.get("decrypted_msg1").asText());
        assertThat(bob.unpublishedOneTimeKeys()).containsOnlyKeys("AAAAAg");
        assertThat(bobSession.matchesInboundSession(alice.curve25519Key(), m2.body())).isTrue();
        assertThat(text(bobSession.decrypt(0, m2.body()))).isEqualTo(REPLIES.get("decrypted_msg2").asText());

        assertThat(bobSession.encryptMessageType()).isEqualTo(1);
        assertThat(bobSession.encryptRandomLength()).isEqualTo(32);
        EncryptedMessage reply = bobSession.encrypt(bytes(REPLIES.at("/reply1/plaintext")),
                hex(REPLIES.at("/reply1/random_hex")));
        assertThat(reply).isEqualTo(new EncryptedMessage(1, REPLIES.at("/reply1/body").asText()));
        assertThat(text(outbound.decrypt(reply))).isEqualTo(REPLIES.get("alice_decrypted_reply1").asText());

        assertThat(outbound.encryptMessageType()).isEqualTo(1);
        EncryptedMessage m3 = outbound.encrypt(bytes(REPLIES.at("/alice_msg3/plaintext")),
                hex(REPLIES.at("/alice_msg3/random_hex")));
        assertThat(m3).isEqualTo(new EncryptedMessage(1, REPLIES.at("/alice_msg3/body").asText()));
        assertThat(text(bobSession.decrypt(m3))).isEqualTo(REPLIES.get("bob_decrypted_msg3").asText());
    }

    private static byte[] bytes(JsonNode text) {
        return text.asText().getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
