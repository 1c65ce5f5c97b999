package dev.starling.olm.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.testing.MegolmTestVectors;
import dev.starling.protocol.crypto.Base64s;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Key backup: libolm's PkEncryption vector, round trips, the recovery key and auth_data, and refusals. */
class BackupTest {
    private static final JsonNode V = MegolmTestVectors.get("pk_backup");
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void pkEncryptionReproducesTheLibolmVector() {
        BackupKey key = BackupKey.fromPrivateKey(MegolmTestVectors.hex(V, "private_key_hex"));
        assertThat(key.publicKey()).isEqualTo(V.get("public_key").asText());
        PkEncryption.Encrypted encrypted = PkEncryption.encrypt(Base64s.decode(key.publicKey()),
                V.get("plaintext").asText().getBytes(StandardCharsets.UTF_8), MegolmTestVectors.hex(V, "ephemeral_random_hex"));
        assertThat(encrypted.ephemeral()).isEqualTo(V.get("ephemeral").asText());
        assertThat(encrypted.ciphertext()).isEqualTo(V.get("ciphertext").asText());
        assertThat(encrypted.mac()).isEqualTo(V.get("mac").asText());
    }

    @Test
    void decryptsTheLibolmVector() {
        BackupKey key = BackupKey.fromPrivateKey(MegolmTestVectors.hex(V, "private_key_hex"));
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("ephemeral", V.get("ephemeral").asText());
        data.put("ciphertext", V.get("ciphertext").asText());
        data.put("mac", V.get("mac").asText());
        assertThat(key.decryptSessionData(data).get("session_key").asText()).isEqualTo("y");
    }

    @Test
    void sessionDataRoundTrips() {
        BackupKey key = BackupKey.generate(RANDOM);
        ObjectNode roomKey = JsonNodeFactory.instance.objectNode();
        roomKey.put("algorithm", "m.megolm.v1.aes-sha2").put("session_key", "AQAAAA").put("sender_key", "abc");
        ObjectNode data = BackupKey.encryptSessionData(key.publicKey(), roomKey, RANDOM);
        assertThat(key.decryptSessionData(data)).isEqualTo(roomKey);
    }

    @Test
    void tamperedMacOrCiphertextIsRefusedWithoutLeakingThePlaintext() {
        BackupKey key = BackupKey.generate(RANDOM);
        ObjectNode roomKey = JsonNodeFactory.instance.objectNode().put("session_key", "SECRET-SESSION-KEY");
        ObjectNode data = BackupKey.encryptSessionData(key.publicKey(), roomKey, RANDOM);
        ObjectNode badMac = data.deepCopy().put("mac", flip(data.get("mac").asText()));
        assertThatThrownBy(() -> key.decryptSessionData(badMac)).isInstanceOf(BackupException.class)
                .satisfies(e -> assertThat(((BackupException) e).problem()).isEqualTo(BackupException.Problem.BAD_MAC))
                .message().doesNotContain("SECRET");
        // The spec's MAC covers an empty string (libolm's bug), so a changed ciphertext fails on padding or JSON.
        ObjectNode badCiphertext = data.deepCopy().put("ciphertext", flip(data.get("ciphertext").asText()));
        assertThatThrownBy(() -> key.decryptSessionData(badCiphertext))
                .satisfies(e -> assertThat(((BackupException) e).problem()).isIn(
                        BackupException.Problem.BAD_CIPHERTEXT, BackupException.Problem.MALFORMED))
                .message().doesNotContain("SECRET");
        BackupKey other = BackupKey.generate(RANDOM);
        assertThatThrownBy(() -> other.decryptSessionData(data))
                .satisfies(e -> assertThat(((BackupException) e).problem()).isEqualTo(BackupException.Problem.BAD_MAC));
    }

    @Test
    void wrongLengthAndSmallOrderEphemeralKeysAreRefused() {
        BackupKey key = BackupKey.generate(RANDOM);
        ObjectNode data = BackupKey.encryptSessionData(key.publicKey(),
                JsonNodeFactory.instance.objectNode().put("a", 1), RANDOM);
        ObjectNode shortKey = data.deepCopy().put("ephemeral", Base64s.encode(new byte[31]));
        assertThatThrownBy(() -> key.decryptSessionData(shortKey))
                .satisfies(e -> assertThat(((BackupException) e).problem()).isEqualTo(BackupException.Problem.BAD_KEY));
        ObjectNode zeroKey = data.deepCopy().put("ephemeral", Base64s.encode(new byte[32]));
        assertThatThrownBy(() -> key.decryptSessionData(zeroKey))
                .satisfies(e -> assertThat(((BackupException) e).problem()).isEqualTo(BackupException.Problem.BAD_KEY));
        ObjectNode missing = data.deepCopy();
        missing.remove("mac");
        assertThatThrownBy(() -> key.decryptSessionData(missing))
                .satisfies(e -> assertThat(((BackupException) e).problem()).isEqualTo(BackupException.Problem.MALFORMED));
    }

    @Test
    void recoveryKeyRoundTripsInGroupsOfFour() {
        byte[] secret = MegolmTestVectors.hex(V, "private_key_hex");
        String recovery = RecoveryKey.encode(secret);
        assertThat(recovery).matches("E[s-z][A-Za-z0-9]{2}( [1-9A-HJ-NP-Za-km-z]{4})*( [1-9A-HJ-NP-Za-km-z]{1,4})?");
        assertThat(RecoveryKey.decode(recovery)).isEqualTo(secret);
        assertThat(RecoveryKey.decode(recovery.replace(" ", ""))).isEqualTo(secret);
        assertThat(BackupKey.fromRecoveryKey(recovery).publicKey()).isEqualTo(V.get("public_key").asText());
    }

    @Test
    void recoveryKeyWithABadParityOrPrefixIsRefused() {
        byte[] secret = HexFormat.of().parseHex("00".repeat(31) + "01");
        String recovery = RecoveryKey.encode(secret).replace(" ", "");
        // Change the last character: the parity byte (and maybe the key) no longer match.
        char last = recovery.charAt(recovery.length() - 1);
        String typo = recovery.substring(0, recovery.length() - 1) + (last == '2' ? '3' : '2');
        assertThatThrownBy(() -> RecoveryKey.decode(typo)).isInstanceOf(BackupException.class)
                .satisfies(e -> assertThat(((BackupException) e).problem()).isEqualTo(BackupException.Problem.BAD_PARITY));
        assertThatThrownBy(() -> RecoveryKey.decode("EsTc 0OIl"))
                .satisfies(e -> assertThat(((BackupException) e).problem())
                        .isEqualTo(BackupException.Problem.MALFORMED_BASE64));
        assertThatThrownBy(() -> RecoveryKey.decode(RecoveryKey.base58(new byte[] {(byte) 0x8B, 0x02, 1})))
                .satisfies(e -> assertThat(((BackupException) e).problem())
                        .isEqualTo(BackupException.Problem.BAD_RECOVERY_KEY));
    }

    @Test
    void authDataIsSignedAndChecked() {
        BackupKey key = BackupKey.generate(RANDOM);
        SigningKey device = SigningKey.generate(KeyId.ed25519("DEVICE"), RANDOM);
        ObjectNode authData = key.authData("@a:example.org", device);
        key.verifyAuthData(authData, "@a:example.org", device.verifyKey());
        SigningKey other = SigningKey.generate(KeyId.ed25519("DEVICE"), RANDOM);
        assertThatThrownBy(() -> key.verifyAuthData(authData, "@a:example.org", other.verifyKey()))
                .satisfies(e -> assertThat(((BackupException) e).problem())
                        .isEqualTo(BackupException.Problem.BAD_AUTH_DATA));
        assertThatThrownBy(() -> BackupKey.generate(RANDOM).verifyAuthData(authData, "@a:example.org",
                device.verifyKey())).satisfies(e -> assertThat(((BackupException) e).problem())
                        .isEqualTo(BackupException.Problem.BAD_AUTH_DATA));
        assertThat(key.toString()).doesNotContain(key.recoveryKey().substring(0, 4) + " ");
    }

    private static String flip(String base64) {
        byte[] bytes = Base64s.decode(base64);
        bytes[bytes.length - 1] ^= 1;
        return Base64s.encode(bytes);
    }
}
