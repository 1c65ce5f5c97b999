package dev.starling.mesh.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.mesh.identity.NodeIdentity;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Key material never shows in toString, and a wiped cipher refuses to work (SECURITY item 30). */
class SecretsTest {
    @Test
    void keyHoldersShowNoKeyMaterial() throws Exception {
        byte[] secret = HexFormat.of().parseHex("e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1");
        X25519KeyPair pair = X25519KeyPair.fromPrivate(secret);
        CipherState cipher = new CipherState(secret);
        LocalKeys keys = new LocalKeys(NodeIdentity.generate(), pair, new SecureRandom());
        NoiseXX noise = NoiseXX.initiator(LocalKeys.PROLOGUE, pair, new SecureRandom());
        for (Object holder : new Object[] {pair, cipher, keys, noise, new SymmetricState(NoiseXX.PROTOCOL_NAME)}) {
            String text = holder.toString().toLowerCase();
            assertThat(text).doesNotContain("e61ef991").doesNotContain(HexFormat.of().formatHex(pair.publicKey()));
        }
    }

    @Test
    void aWipedCipherRefusesInsteadOfPassingPlaintextThrough() throws Exception {
        CipherState cipher = new CipherState(new byte[32]);
        cipher.wipe();
        assertThatThrownBy(() -> cipher.encryptWithAd(new byte[0], "secret".getBytes())).isInstanceOf(NoiseException.class);
        assertThatThrownBy(() -> cipher.decryptWithAd(new byte[0], new byte[32])).isInstanceOf(NoiseException.class);
    }
}
