package dev.starling.olm.secretstorage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Secret storage against known answers computed independently (Python's {@code cryptography} and
 * {@code hashlib}: HKDF, AES-CTR, HMAC, PBKDF2-SHA-512), round trips and refusals.
 */
class SecretStorageKeyTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] KEY = HexFormat.of().parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] IV = HexFormat.of().parseHex("101112131415161718191a1b1c1d1e1f");

    @Test
    void encryptsAsAnIndependentImplementationDoes() {
        ObjectNode encrypted = SecretStorageKey.fromBytes(KEY).encrypt("m.cross_signing.master",
                "secret text".getBytes(StandardCharsets.UTF_8), IV);
        assertThat(encrypted.get("iv").asText()).isEqualTo("EBESExQVFhcYGRobHB0eHw");
        assertThat(encrypted.get("ciphertext").asText()).isEqualTo("L/QaZfGvRZR0PJ4");
        assertThat(encrypted.get("mac").asText()).isEqualTo("lVMvvj005/1W/8x6h2ba1tfqxKuZ6ANQifcjLTz4YzQ");
        // Padded base64, as some clients write it, is accepted too.
        ObjectNode padded = encrypted.deepCopy().put("iv", "EBESExQVFhcYGRobHB0eHw==").put("ciphertext", "L/QaZfGvRZR0PJ4=")
                .put("mac", "lVMvvj005/1W/8x6h2ba1tfqxKuZ6ANQifcjLTz4YzQ=");
        assertThat(new String(SecretStorageKey.fromBytes(KEY).decrypt("m.cross_signing.master", padded),
                StandardCharsets.UTF_8)).isEqualTo("secret text");
    }

    @Test
    void keyCheckMatchesAndRefusesAnotherKey() {
        ObjectNode description = JsonNodeFactory.instance.objectNode()
                .put("algorithm", SecretStorageKey.ALGORITHM).put("iv", "EBESExQVFhcYGRobHB0eHw")
                .put("mac", "nrMWSgMXBpO1lS9nLEL08Saa+XuAn1pdQ0B7gSgsrQQ");
        SecretStorageKey.fromBytes(KEY).checkAgainst(description);
        assertThatThrownBy(() -> SecretStorageKey.generate(RANDOM).checkAgainst(description))
                .satisfies(e -> assertThat(((SecretStorageException) e).problem())
                        .isEqualTo(SecretStorageException.Problem.WRONG_KEY));
        SecretStorageKey fresh = SecretStorageKey.generate(RANDOM);
        ObjectNode own = fresh.keyDescription("Recovery", RANDOM);
        fresh.checkAgainst(own);
        assertThat(own.get("algorithm").asText()).isEqualTo(SecretStorageKey.ALGORITHM);
        byte[] iv = java.util.Base64.getDecoder().decode(own.get("iv").asText() + "==");
        assertThat(iv[8] & 0x80).isZero();
    }

    @Test
    void passphraseDerivationIsPbkdf2Sha512() {
        assertThat(HexFormat.of().formatHex(SecretStorageKey.pbkdf2("correct horse".toCharArray(), "saltsalt", 1000)))
                .isEqualTo("fac5120fc8f0e1ff27b3b9bd6fb923f0f7892def252573bc026d3d04b80eefd9");
        ObjectNode info = JsonNodeFactory.instance.objectNode().put("algorithm", "m.pbkdf2").put("salt", "saltsalt")
                .put("iterations", 1000);
        SecretStorageKey key = SecretStorageKey.fromPassphrase("correct horse".toCharArray(), info);
        ObjectNode encrypted = key.encrypt("name", new byte[] {1, 2, 3}, RANDOM);
        assertThat(SecretStorageKey.fromBytes(HexFormat.of().parseHex(
                "fac5120fc8f0e1ff27b3b9bd6fb923f0f7892def252573bc026d3d04b80eefd9")).decrypt("name", encrypted))
                .containsExactly(1, 2, 3);
        assertThatThrownBy(() -> SecretStorageKey.fromPassphrase("x".toCharArray(), info.deepCopy().put("algorithm", "md5")))
                .satisfies(e -> assertThat(((SecretStorageException) e).problem())
                        .isEqualTo(SecretStorageException.Problem.UNSUPPORTED_ALGORITHM));
    }

    @Test
    void wrongNameTamperingAndBadLengthsAreRefusedWithoutLeaks() {
        SecretStorageKey key = SecretStorageKey.generate(RANDOM);
        ObjectNode encrypted = key.encrypt("m.megolm_backup.v1", "TOPSECRET".getBytes(StandardCharsets.UTF_8), RANDOM);
        assertThatThrownBy(() -> key.decrypt("m.cross_signing.master", encrypted))
                .satisfies(e -> assertThat(((SecretStorageException) e).problem())
                        .isEqualTo(SecretStorageException.Problem.BAD_MAC))
                .message().doesNotContain("TOPSECRET");
        ObjectNode tampered = encrypted.deepCopy().put("ciphertext", "AAAA" + encrypted.get("ciphertext").asText().substring(4));
        assertThatThrownBy(() -> key.decrypt("m.megolm_backup.v1", tampered))
                .satisfies(e -> assertThat(((SecretStorageException) e).problem())
                        .isEqualTo(SecretStorageException.Problem.BAD_MAC));
        ObjectNode shortIv = encrypted.deepCopy().put("iv", "AAAA");
        assertThatThrownBy(() -> key.decrypt("m.megolm_backup.v1", shortIv))
                .satisfies(e -> assertThat(((SecretStorageException) e).problem())
                        .isEqualTo(SecretStorageException.Problem.BAD_LENGTH));
        ObjectNode missing = encrypted.deepCopy();
        missing.remove("mac");
        assertThatThrownBy(() -> key.decrypt("m.megolm_backup.v1", missing))
                .satisfies(e -> assertThat(((SecretStorageException) e).problem())
                        .isEqualTo(SecretStorageException.Problem.MALFORMED));
        assertThatThrownBy(() -> SecretStorageKey.fromBytes(new byte[31]))
                .satisfies(e -> assertThat(((SecretStorageException) e).problem())
                        .isEqualTo(SecretStorageException.Problem.BAD_LENGTH));
        assertThat(key.toString()).isEqualTo("SecretStorageKey[secret]");
    }

    @Test
    void keyDescriptionsAndPassphrasesThatCannotBeUsedAreRefused() {
        SecretStorageKey key = SecretStorageKey.generate(RANDOM);
        // iv and mac are optional: without them the key is assumed valid.
        key.checkAgainst(JsonNodeFactory.instance.objectNode().put("algorithm", SecretStorageKey.ALGORITHM));
        assertThatThrownBy(() -> key.checkAgainst(JsonNodeFactory.instance.objectNode().put("algorithm", "other")))
                .satisfies(e -> assertThat(((SecretStorageException) e).problem())
                        .isEqualTo(SecretStorageException.Problem.UNSUPPORTED_ALGORITHM));
        ObjectNode shortIv = key.keyDescription(null, RANDOM).put("iv", "AAAA");
        assertThatThrownBy(() -> key.checkAgainst(shortIv))
                .satisfies(e -> assertThat(((SecretStorageException) e).problem())
                        .isEqualTo(SecretStorageException.Problem.BAD_LENGTH));
        ObjectNode noMac = key.keyDescription(null, RANDOM);
        noMac.remove("mac");
        assertThatThrownBy(() -> key.checkAgainst(noMac))
                .satisfies(e -> assertThat(((SecretStorageException) e).problem())
                        .isEqualTo(SecretStorageException.Problem.MALFORMED));
        ObjectNode base = JsonNodeFactory.instance.objectNode().put("algorithm", "m.pbkdf2").put("salt", "s")
                .put("iterations", 10);
        assertThat(SecretStorageKey.fromPassphrase("p".toCharArray(), base.deepCopy().put("bits", 256))).isNotNull();
        for (ObjectNode bad : new ObjectNode[] {base.deepCopy().put("iterations", 0),
            base.deepCopy().put("iterations", "ten"), base.deepCopy().put("salt", 5),
            base.deepCopy().put("bits", "many")}) {
            assertThatThrownBy(() -> SecretStorageKey.fromPassphrase("p".toCharArray(), bad))
                    .satisfies(e -> assertThat(((SecretStorageException) e).problem())
                            .isEqualTo(SecretStorageException.Problem.MALFORMED));
        }
        assertThatThrownBy(() -> SecretStorageKey.fromPassphrase("p".toCharArray(), base.deepCopy().put("bits", 128)))
                .satisfies(e -> assertThat(((SecretStorageException) e).problem())
                        .isEqualTo(SecretStorageException.Problem.BAD_LENGTH));
        ObjectNode encrypted = key.encrypt("n", new byte[] {1}, RANDOM);
        ObjectNode shortMac = encrypted.deepCopy().put("mac", "AAAA");
        assertThatThrownBy(() -> key.decrypt("n", shortMac))
                .satisfies(e -> assertThat(((SecretStorageException) e).problem())
                        .isEqualTo(SecretStorageException.Problem.BAD_LENGTH));
        ObjectNode notBase64 = encrypted.deepCopy().put("ciphertext", "***");
        assertThatThrownBy(() -> key.decrypt("n", notBase64))
                .satisfies(e -> assertThat(((SecretStorageException) e).problem())
                        .isEqualTo(SecretStorageException.Problem.MALFORMED));
        key.wipe();
    }
}
