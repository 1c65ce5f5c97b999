package dev.starling.olm.crosssigning;

import static dev.starling.olm.testing.MegolmPeer.op;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.testing.MegolmPeer;
import dev.starling.protocol.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Cross-signing keys against libolm's {@code PkSigning} (what libolm-based clients sign cross-signing keys
 * with): the same seed gives the same public key and the same (deterministic) Ed25519 signature over the
 * canonical JSON.
 */
class CrossSigningLibolmInteropTest {
    @Test
    void sameSeedsSameKeysSameSignatures() throws InterruptedException {
        SecureRandom random = new SecureRandom();
        byte[][] seeds = new byte[3][32];
        for (byte[] seed : seeds) {
            random.nextBytes(seed);
        }
        CrossSigningKeys keys = CrossSigningKeys.fromSeeds("@alice:example.org", seeds[0], seeds[1], seeds[2]);
        try (MegolmPeer libolm = MegolmPeer.start()) {
            ObjectNode ssk = keys.selfSigningKey();
            ObjectNode unsigned = ssk.deepCopy();
            unsigned.remove("signatures");
            String message = new String(CanonicalJson.encode(unsigned), StandardCharsets.UTF_8);
            JsonNode signed = libolm.call(op("pk_sign").put("seed_hex", HexFormat.of().formatHex(seeds[0]))
                    .put("message", message));
            String master = keys.publicMaster().publicKey();
            assertThat(signed.get("public_key").asText()).isEqualTo(master);
            assertThat(ssk.get("signatures").get("@alice:example.org").get("ed25519:" + master).asText())
                    .isEqualTo(signed.get("signature").asText());
        }
    }
}
