package dev.starling.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.protocol.crypto.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyFileTest {
    @TempDir
    Path dir;

    @Test
    void theFirstStartGeneratesAKeyInSynapsesFormatReadableOnlyByTheOwnerAndLaterStartsLoadIt() throws IOException {
        SigningKey generated = SigningKeyFile.loadOrGenerate(dir, new SecureRandom());

        Path file = dir.resolve("signing.key");
        String line = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(line).matches("ed25519 a_[A-Za-z0-9]{4} [A-Za-z0-9+/]{43}\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        SigningKey loaded = SigningKeyFile.loadOrGenerate(dir, new SecureRandom());
        assertThat(loaded.keyId()).isEqualTo(generated.keyId());
        assertThat(loaded.verifyKey().publicKeyBase64()).isEqualTo(generated.verifyKey().publicKeyBase64());
        assertThat(loaded.seedBase64()).isEqualTo(generated.seedBase64());
    }

    @Test
    void aSynapseKeyFileLoads() throws IOException {
        Path file = dir.resolve("signing.key");
        Files.writeString(file, "ed25519 a_XyZ1 " + "A".repeat(43) + "\n");

        SigningKey key = SigningKeyFile.load(file);

        assertThat(key.keyId().toString()).isEqualTo("ed25519:a_XyZ1");
    }

    @Test
    void malformedFilesAreATypedErrorThatDoesNotShowTheSeed() throws IOException {
        Path file = dir.resolve("signing.key");
        String seed = "B".repeat(43);
        for (String content : new String[] {"", "ed25519 a_1\n", "curve25519 a_1 " + seed + "\n",
                "ed25519 a_1 " + seed.substring(3) + "\n", "ed25519 a_1 " + seed + "\ned25519 a_2 " + seed + "\n",
                "ed25519 a_1 not-base64!!\n"}) {
            Files.writeString(file, content);
            assertThatThrownBy(() -> SigningKeyFile.loadOrGenerate(dir, new SecureRandom()))
                    .as(content)
                    .isInstanceOf(SigningKeyFileException.class)
                    .hasMessageContaining("signing.key")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(seed.substring(5)));
        }
    }
}
