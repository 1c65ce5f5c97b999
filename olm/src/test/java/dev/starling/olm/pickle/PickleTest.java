package dev.starling.olm.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.starling.olm.account.Account;
import dev.starling.olm.session.EncryptedMessage;
import dev.starling.olm.session.Session;
import dev.starling.protocol.crypto.Base64s;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Sealed accounts and sessions survive a round trip; every damaged pickle is refused with its problem. */
class PickleTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static byte[] key() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    @Test
    void accountsAndSessionsRoundTripMidConversation() {
        byte[] key = key();
        Account alice = Account.create(RANDOM);
        Account bob = Account.create(RANDOM);
        bob.generateOneTimeKeys(2, RANDOM);
        bob.generateFallbackKey(RANDOM);
        Account bobAgain = Pickle.openAccount(key, Pickle.sealAccount(key, bob));
        assertThat(bobAgain.identityKeysJson()).isEqualTo(bob.identityKeysJson());
        assertThat(bobAgain.oneTimeKeys()).isEqualTo(bob.oneTimeKeys());

        Session outbound = Session.createOutbound(alice, bobAgain.curve25519Key(),
                bobAgain.unpublishedOneTimeKeys().values().iterator().next(), RANDOM);
        EncryptedMessage first = outbound.encrypt("one".getBytes(StandardCharsets.UTF_8), RANDOM);
        Session inbound = Session.createInbound(bobAgain, alice.curve25519Key(), first.body()).session();
        Session outboundAgain = Pickle.openSession(key, Pickle.sealSession(key, outbound));
        EncryptedMessage reply = inbound.encrypt("two".getBytes(StandardCharsets.UTF_8), RANDOM);
        assertThat(outboundAgain.decrypt(reply)).asString(StandardCharsets.UTF_8).isEqualTo("two");
        Session inboundAgain = Pickle.openSession(key, Pickle.sealSession(key, inbound));
        EncryptedMessage three = outboundAgain.encrypt("three".getBytes(StandardCharsets.UTF_8), RANDOM);
        assertThat(inboundAgain.decrypt(three)).asString(StandardCharsets.UTF_8).isEqualTo("three");
        assertThat(inboundAgain.sessionId()).isEqualTo(outbound.sessionId());
    }

    @Test
    void anyStateCanBeSealedUnderItsOwnKind() {
        byte[] key = key();
        byte[] state = "megolm inbound session bytes".getBytes(StandardCharsets.UTF_8);
        byte[] a = Pickle.seal(key, "megolm.inbound", state);
        byte[] b = Pickle.seal(key, "megolm.inbound", state);
        assertThat(a).isNotEqualTo(b);
        assertThat(Pickle.open(key, "megolm.inbound", a)).isEqualTo(state);
        assertThat(Pickle.openFromString(key, "megolm.inbound", Pickle.sealToString(key, "megolm.inbound", state)))
                .isEqualTo(state);
        assertThat(Base64s.encode(a)).doesNotContain(Base64s.encode(state).substring(0, 12));
    }

    @Test
    void damagedPicklesAreRefusedWithTheirProblem() {
        byte[] key = key();
        Account account = Account.create(RANDOM);
        byte[] sealed = Pickle.sealAccount(key, account);

        refused(() -> Pickle.openAccount(key(), sealed), PickleException.Problem.WRONG_KEY, key);
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 20] ^= 1;
        refused(() -> Pickle.openAccount(key, tampered), PickleException.Problem.TAMPERED, key);
        byte[] tamperedNonce = sealed.clone();
        tamperedNonce[2 + Pickle.KIND_ACCOUNT.length() + 8] ^= 1;
        refused(() -> Pickle.openAccount(key, tamperedNonce), PickleException.Problem.TAMPERED, key);
        byte[] version2 = sealed.clone();
        version2[0] = 2;
        refused(() -> Pickle.openAccount(key, version2), PickleException.Problem.UNSUPPORTED_VERSION, key);
        refused(() -> Pickle.openSession(key, sealed), PickleException.Problem.WRONG_KIND, key);
        refused(() -> Pickle.openAccount(key, Arrays.copyOf(sealed, 30)), PickleException.Problem.TRUNCATED, key);
        refused(() -> Pickle.openAccount(key, new byte[0]), PickleException.Problem.TRUNCATED, key);
        refused(() -> Pickle.openAccount(new byte[16], sealed), PickleException.Problem.WRONG_KEY_LENGTH, key);
        refused(() -> Pickle.openFromString(key, Pickle.KIND_ACCOUNT, "no base64!"),
                PickleException.Problem.MALFORMED_BASE64, key);
        refused(() -> Pickle.seal(key, "", new byte[1]), PickleException.Problem.INVALID_KIND, key);
        refused(() -> Pickle.seal(key, "with space", new byte[1]), PickleException.Problem.INVALID_KIND, key);
        byte[] notAnAccount = Pickle.seal(key, Pickle.KIND_ACCOUNT, new byte[] {1, 2, 3});
        refused(() -> Pickle.openAccount(key, notAnAccount), PickleException.Problem.MALFORMED_STATE, key);
        assertThat(Pickle.openAccount(key, sealed).identityKeysJson()).isEqualTo(account.identityKeysJson());
    }

    private static void refused(ThrowingCallable call, PickleException.Problem problem, byte[] key) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOfSatisfying(PickleException.class, e -> {
            assertThat(e.problem()).isEqualTo(problem);
            assertThat(e.getMessage()).doesNotContain(Base64s.encode(key).substring(0, 10));
            assertThat(e.getMessage()).doesNotContainPattern("[A-Za-z0-9+/]{16,}");
        });
    }
}
