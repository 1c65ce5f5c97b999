package dev.starling.olm.backup;

import static org.assertj.core.api.Assertions.assertThat;

import de.connect2x.trixnity.vodozemac.Curve25519PublicKey;
import de.connect2x.trixnity.vodozemac.Curve25519SecretKey;
import de.connect2x.trixnity.vodozemac.pkencryption.PkDecryption;
import de.connect2x.trixnity.vodozemac.pkencryption.PkEncryptionMessage;
import dev.starling.protocol.crypto.Base64s;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Live interop with vodozemac 0.9's PkEncryption/PkDecryption (the backup cipher Element uses). */
class BackupVodozemacInteropTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void javaEncryptsVodozemacDecrypts() {
        PkDecryption decryption = PkDecryption.Companion.invoke();
        String plaintext = "{\"session_key\":\"AQAAAA✓\"}";
        PkEncryption.Encrypted e = PkEncryption.encrypt(decryption.getPublicKey().getBytes(),
                plaintext.getBytes(StandardCharsets.UTF_8), RANDOM);
        PkEncryptionMessage.Text message = new PkEncryptionMessage.Text(Base64s.decode(e.ciphertext()),
                Base64s.decode(e.mac()), Curve25519PublicKey.Companion.invoke(e.ephemeral()));
        assertThat(decryption.decrypt(message)).isEqualTo(plaintext);
    }

    @Test
    void vodozemacEncryptsJavaDecrypts() {
        BackupKey key = BackupKey.generate(RANDOM);
        var encryption = de.connect2x.trixnity.vodozemac.pkencryption.PkEncryption.Companion.invoke(
                Curve25519PublicKey.Companion.invoke(key.publicKey()));
        var message = encryption.encrypt("{\"a\":\"" + "b".repeat(100) + "\"}");
        byte[] plaintext = PkEncryption.decrypt(RecoveryKey.decode(key.recoveryKey()), new PkEncryption.Encrypted(
                message.getEphemeralKey().getBase64(), Base64s.encode(message.getCiphertext()),
                Base64s.encode(message.getMac())));
        assertThat(new String(plaintext, StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"" + "b".repeat(100) + "\"}");
        // And a key restored in vodozemac from our private key decrypts what we encrypt.
        PkDecryption restored = PkDecryption.Companion.invoke(
                Curve25519SecretKey.Companion.invoke(RecoveryKey.decode(key.recoveryKey())));
        assertThat(restored.getPublicKey().getBase64()).isEqualTo(key.publicKey());
    }
}
