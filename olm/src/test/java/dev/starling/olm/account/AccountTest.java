package dev.starling.olm.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.Base64s;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.KeyId;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One-time and fallback keys with libolm's IDs and limits, publishing, removal, signing, serialisation. */
class AccountTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void keyIdsAreTheBigEndianCounterInBase64() {
        assertThat(OneTimeKey.keyIdOf(1)).isEqualTo("AAAAAQ");
        assertThat(OneTimeKey.keyIdOf(2)).isEqualTo("AAAAAg");
        assertThat(OneTimeKey.keyIdOf(256)).isEqualTo("AAABAA");
        assertThat(OneTimeKey.keyIdOf(0xFFFFFFFFL)).isEqualTo("/////w");
    }

    @Test
    void oneTimeAndFallbackKeysShareOneCounter() {
        Account account = Account.create(RANDOM);
        account.generateOneTimeKeys(2, RANDOM);
        account.generateFallbackKey(RANDOM);
        account.generateOneTimeKeys(1, RANDOM);
        assertThat(account.oneTimeKeys()).extracting(OneTimeKey::keyId).containsExactly("AAAAAQ", "AAAAAg", "AAAABA");
        assertThat(account.fallbackKey().keyId()).isEqualTo("AAAAAw");
        assertThat(account.previousFallbackKey()).isNull();
        account.generateFallbackKey(RANDOM);
        assertThat(account.fallbackKey().keyId()).isEqualTo("AAAABQ");
        assertThat(account.previousFallbackKey().keyId()).isEqualTo("AAAAAw");
        account.forgetOldFallbackKey();
        assertThat(account.previousFallbackKey()).isNull();
    }

    @Test
    void publishingHidesKeysFromTheNextUpload() {
        Account account = Account.create(RANDOM);
        account.generateOneTimeKeys(3, RANDOM);
        account.generateFallbackKey(RANDOM);
        assertThat(account.unpublishedOneTimeKeys()).hasSize(3);
        assertThat(account.unpublishedFallbackKey()).hasSize(1);
        account.markKeysAsPublished();
        assertThat(account.unpublishedOneTimeKeys()).isEmpty();
        assertThat(account.unpublishedFallbackKey()).isEmpty();
        assertThat(account.oneTimeKeys()).allMatch(OneTimeKey::published).hasSize(3);
        account.generateOneTimeKeys(1, RANDOM);
        assertThat(account.unpublishedOneTimeKeys()).containsOnlyKeys("AAAABQ");
    }

    @Test
    void atMostOneHundredKeysAreKeptTheOldestDropped() {
        Account account = Account.create(RANDOM);
        account.generateOneTimeKeys(60, RANDOM);
        account.generateOneTimeKeys(60, RANDOM);
        List<OneTimeKey> keys = account.oneTimeKeys();
        assertThat(keys).hasSize(Account.MAX_ONE_TIME_KEYS);
        assertThat(keys.get(0).id()).isEqualTo(21);
        assertThat(keys.get(99).id()).isEqualTo(120);
        assertThatThrownBy(() -> account.generateOneTimeKeys(101, RANDOM)).isInstanceOfSatisfying(
                AccountException.class, e -> assertThat(e.problem()).isEqualTo(AccountException.Problem.INVALID_ARGUMENT));
    }

    @Test
    void removingAUsedKeyKeepsFallbackKeys() {
        Account account = Account.create(RANDOM);
        account.generateOneTimeKeys(2, RANDOM);
        account.generateFallbackKey(RANDOM);
        byte[] first = Base64s.decode(account.oneTimeKeys().get(0).publicKey());
        byte[] fallback = Base64s.decode(account.fallbackKey().publicKey());
        assertThat(account.removeOneTimeKey(first)).isEqualTo(1);
        assertThat(account.hasOneTimeKey(first)).isFalse();
        assertThatThrownBy(() -> account.removeOneTimeKey(first)).isInstanceOfSatisfying(AccountException.class,
                e -> assertThat(e.problem()).isEqualTo(AccountException.Problem.UNKNOWN_ONE_TIME_KEY));
        assertThat(account.removeOneTimeKey(account.oneTimeKeys().get(0).publicKey())).isEqualTo(2);
        assertThatThrownBy(() -> account.removeOneTimeKey("not base64!")).isInstanceOf(AccountException.class);
        assertThat(account.removeOneTimeKey(fallback)).isEqualTo(3);
        assertThat(account.hasOneTimeKey(fallback)).isTrue();
    }

    @Test
    void signedOneTimeKeysAndFallbackKeysVerify() {
        Account account = Account.create(RANDOM);
        account.generateOneTimeKeys(2, RANDOM);
        account.generateFallbackKey(RANDOM);
        VerifyKey key = VerifyKey.fromBase64(KeyId.ed25519("DEV"), account.ed25519Key());
        ObjectNode signed = account.signedOneTimeKeys("@a:example.org", "DEV");
        assertThat(signed.properties()).hasSize(2);
        signed.properties().forEach(e -> {
            assertThat(e.getKey()).startsWith("signed_curve25519:");
            JsonSignatures.verify((ObjectNode) e.getValue(), "@a:example.org", key);
        });
        ObjectNode fallback = account.signedFallbackKey("@a:example.org", "DEV");
        ObjectNode object = (ObjectNode) fallback.get("signed_curve25519:AAAAAw");
        assertThat(object.get("fallback").asBoolean()).isTrue();
        JsonSignatures.verify(object, "@a:example.org", key);
        ObjectNode deviceKeys = account.deviceKeys("@a:example.org", "DEV", List.of(Account.OLM_ALGORITHM));
        JsonSignatures.verify(deviceKeys, "@a:example.org", key);
        assertThat(deviceKeys.at("/keys/curve25519:DEV").asText()).isEqualTo(account.curve25519Key());
        assertThat(key.verify("raw".getBytes(), account.signRaw("raw".getBytes()))).isTrue();
    }

    @Test
    void randomOfTheWrongLengthIsRefused() {
        assertThatThrownBy(() -> Account.create(new byte[63])).isInstanceOfSatisfying(AccountException.class,
                e -> assertThat(e.problem()).isEqualTo(AccountException.Problem.WRONG_RANDOM_LENGTH));
        Account account = Account.create(RANDOM);
        assertThatThrownBy(() -> account.generateOneTimeKeys(2, new byte[32])).isInstanceOf(AccountException.class);
        assertThatThrownBy(() -> account.generateFallbackKey(new byte[31])).isInstanceOf(AccountException.class);
        assertThatThrownBy(() -> account.identityAgreement(new byte[31])).isInstanceOfSatisfying(
                AccountException.class, e -> assertThat(e.problem()).isEqualTo(AccountException.Problem.WRONG_KEY_LENGTH));
    }

    @Test
    void serialisationRoundTripsEverything() {
        Account account = Account.create(RANDOM);
        account.generateOneTimeKeys(3, RANDOM);
        account.generateFallbackKey(RANDOM);
        account.markKeysAsPublished();
        account.generateFallbackKey(RANDOM);
        account.generateOneTimeKeys(1, RANDOM);
        Account copy = Account.deserialize(account.serialize());
        assertThat(copy.identityKeysJson()).isEqualTo(account.identityKeysJson());
        assertThat(copy.oneTimeKeys()).isEqualTo(account.oneTimeKeys());
        assertThat(copy.fallbackKey()).isEqualTo(account.fallbackKey());
        assertThat(copy.previousFallbackKey()).isEqualTo(account.previousFallbackKey());
        assertThat(copy.unpublishedFallbackKey()).isEqualTo(account.unpublishedFallbackKey());
        copy.generateOneTimeKeys(1, RANDOM);
        assertThat(copy.unpublishedOneTimeKeys()).containsKey(OneTimeKey.keyIdOf(7));
        byte[] state = account.serialize();
        assertThatThrownBy(() -> Account.deserialize(java.util.Arrays.copyOf(state, state.length - 1)))
                .isInstanceOfSatisfying(AccountException.class,
                        e -> assertThat(e.problem()).isEqualTo(AccountException.Problem.MALFORMED_STATE));
    }

    @Test
    void toStringShowsNoPrivateKey() {
        Account account = Account.create(RANDOM);
        byte[] state = account.serialize();
        String seed = Base64s.encode(java.util.Arrays.copyOfRange(state, 1, 33));
        String curve = Base64s.encode(java.util.Arrays.copyOfRange(state, 33, 65));
        assertThat(account.toString()).doesNotContain(seed).doesNotContain(curve).contains(account.ed25519Key());
    }
}
