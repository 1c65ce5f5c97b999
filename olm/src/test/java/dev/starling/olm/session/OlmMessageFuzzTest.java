package dev.starling.olm.session;

import static dev.starling.olm.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.olm.Vectors;
import dev.starling.olm.account.Account;
import dev.starling.protocol.crypto.Base64s;

/**
 * Any bytes given to Olm message parsing and decryption — as a normal message to a live session, as a pre-key
 * message to that session and to a fresh inbound session — either decrypt or are refused with an
 * {@link OlmException}; never another exception, never a change of state on refusal.
 */
class OlmMessageFuzzTest {
    private static final byte[] BOB_ACCOUNT;
    private static final byte[] BOB_SESSION;
    private static final byte[] ALICE_SESSION;

    static {
        JsonNode toBob = Vectors.get("olm_alice_to_bob");
        Account alice = Account.create(hex(Vectors.get("alice_account").get("random_hex")));
        Account bob = Account.create(hex(Vectors.get("bob_account").get("random_hex")));
        bob.generateOneTimeKeys(2, hex(Vectors.get("bob_account").get("one_time_keys_random_hex")));
        Session outbound = Session.createOutbound(alice, toBob.get("bob_identity_key").asText(),
                toBob.get("bob_one_time_key").asText(), hex(toBob.get("outbound_session_random_hex")));
        EncryptedMessage first = outbound.encrypt(new byte[] {1}, (byte[]) null);
        Session inbound = Session.createInbound(bob, null, first.body()).session();
        outbound.decrypt(inbound.encrypt(new byte[] {2}, new byte[32]));
        BOB_ACCOUNT = bob.serialize();
        BOB_SESSION = inbound.serialize();
        ALICE_SESSION = outbound.serialize();
    }

    @FuzzTest(maxDuration = "60s")
    void olmMessagesDecryptOrAreRefusedWithAnOlmException(FuzzedDataProvider data) {
        int target = data.consumeInt(0, 3);
        byte[] bytes = data.consumeRemainingAsBytes();
        String body = Base64s.encode(bytes);
        Session session = Session.deserialize(target % 2 == 0 ? ALICE_SESSION : BOB_SESSION);
        byte[] before = session.serialize();
        try {
            switch (target) {
                case 0, 1 -> session.decrypt(EncryptedMessage.NORMAL, body);
                case 2 -> session.decrypt(EncryptedMessage.PRE_KEY, body);
                default -> Session.createInbound(Account.deserialize(BOB_ACCOUNT), null, body);
            }
        } catch (OlmException refused) {
            assertThat(refused.problem()).isNotNull();
            assertThat(session.serialize()).isEqualTo(before);
        }
    }
}
