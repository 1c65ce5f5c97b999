package dev.starling.olm.backup;

import static dev.starling.olm.testing.MegolmPeer.op;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.testing.MegolmPeer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Live interop with libolm's PkEncryption/PkDecryption: backup entries encrypted by one side open on the other. */
class BackupLibolmInteropTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static MegolmPeer libolm;

    @BeforeAll
    static void start() {
        libolm = MegolmPeer.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        libolm.close();
    }

    @Test
    void javaEncryptsLibolmDecrypts() {
        JsonNode decryption = libolm.call(op("pk_decryption_new"));
        ObjectNode roomKey = JsonNodeFactory.instance.objectNode().put("algorithm", "m.megolm.v1.aes-sha2")
                .put("sender_key", "abc").put("session_key", "AQAAAAB✓");
        ObjectNode data = BackupKey.encryptSessionData(decryption.get("public_key").asText(), roomKey, RANDOM);
        JsonNode plaintext = libolm.call(op("pk_decrypt").put("handle", decryption.get("handle").asText())
                .put("ephemeral", data.get("ephemeral").asText()).put("mac", data.get("mac").asText())
                .put("ciphertext", data.get("ciphertext").asText()));
        assertThat(plaintext.get("plaintext").asText())
                .isEqualTo("{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"sender_key\":\"abc\",\"session_key\":\"AQAAAAB✓\"}");
    }

    @Test
    void libolmEncryptsJavaDecrypts() {
        BackupKey key = BackupKey.generate(RANDOM);
        for (String plaintext : new String[] {"{\"session_key\":\"x\"}", "{\"a\":\"" + "long ".repeat(100) + "\"}"}) {
            JsonNode m = libolm.call(op("pk_encrypt").put("public_key", key.publicKey()).put("plaintext", plaintext));
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("ephemeral", m.get("ephemeral").asText())
                    .put("mac", m.get("mac").asText()).put("ciphertext", m.get("ciphertext").asText());
            assertThat(new String(PkEncryption.decrypt(privateKeyOf(key),
                    new PkEncryption.Encrypted(m.get("ephemeral").asText(), m.get("ciphertext").asText(),
                            m.get("mac").asText())), StandardCharsets.UTF_8)).isEqualTo(plaintext);
            assertThat(key.decryptSessionData(data).toString()).isEqualTo(plaintext);
        }
    }

    private static byte[] privateKeyOf(BackupKey key) {
        return RecoveryKey.decode(key.recoveryKey());
    }
}
