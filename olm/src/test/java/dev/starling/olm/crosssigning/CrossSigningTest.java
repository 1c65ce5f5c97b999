package dev.starling.olm.crosssigning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.crosssigning.CrossSigningException.Problem;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Cross-signing: the upload shapes, signing devices and users, and each broken link of the chains. */
class CrossSigningTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final CrossSigningKeys alice = CrossSigningKeys.generate("@alice:example.org", RANDOM);
    private final CrossSigningKeys bob = CrossSigningKeys.generate("@bob:example.org", RANDOM);

    @Test
    void uploadBodyHasTheSpecsShapes() {
        ObjectNode body = alice.uploadBody();
        ObjectNode master = (ObjectNode) body.get("master_key");
        assertThat(master.get("user_id").asText()).isEqualTo("@alice:example.org");
        assertThat(master.get("usage").get(0).asText()).isEqualTo("master");
        String masterKey = master.get("keys").fields().next().getValue().asText();
        assertThat(master.get("keys").has("ed25519:" + masterKey)).isTrue();
        assertThat(body.get("self_signing_key").get("usage").get(0).asText()).isEqualTo("self_signing");
        assertThat(body.get("user_signing_key").get("usage").get(0).asText()).isEqualTo("user_signing");
        assertThat(body.get("self_signing_key").get("signatures").get("@alice:example.org").has("ed25519:" + masterKey))
                .isTrue();
        assertThat(alice.toString()).doesNotContain(alice.seedBase64("master"));
        SigningKey device = SigningKey.generate(KeyId.ed25519("ADEV"), RANDOM);
        assertThat(alice.masterKeySignedByDevice(device).get("signatures").get("@alice:example.org").has("ed25519:ADEV"))
                .isTrue();
    }

    @Test
    void ownDeviceChainVerifies() {
        ObjectNode device = alice.signOwnDevice(deviceKeys("@alice:example.org", "ADEV"));
        CrossSigningKey ssk = CrossSigningVerifier.verifyDevice(alice.publicMaster(), alice.selfSigningKey(), device);
        assertThat(ssk.hasUsage("self_signing")).isTrue();
    }

    @Test
    void otherUsersMasterVerifiesThroughOurUserSigningKey() {
        ObjectNode signed = alice.signUserMasterKey(bob.masterKey());
        CrossSigningKey bobMaster = CrossSigningVerifier.verifyUserMaster(alice.publicMaster(), alice.userSigningKey(),
                signed);
        assertThat(bobMaster.userId()).isEqualTo("@bob:example.org");
        // And then Bob's devices through his chain.
        ObjectNode bobDevice = bob.signOwnDevice(deviceKeys("@bob:example.org", "BDEV"));
        CrossSigningVerifier.verifyDevice(bobMaster, bob.selfSigningKey(), bobDevice);
    }

    @Test
    void eachBrokenLinkHasItsOwnProblem() {
        ObjectNode device = alice.signOwnDevice(deviceKeys("@alice:example.org", "ADEV"));
        CrossSigningKey master = alice.publicMaster();
        problem(Problem.MISSING_SIGNATURE, () -> CrossSigningVerifier.verifyDevice(master, alice.selfSigningKey(),
                deviceKeys("@alice:example.org", "ADEV")));
        ObjectNode tampered = device.deepCopy().put("device_id", "OTHER");
        problem(Problem.BAD_SIGNATURE, () -> CrossSigningVerifier.verifyDevice(master, alice.selfSigningKey(), tampered));
        // A self-signing key signed by another master.
        problem(Problem.USER_MISMATCH, () -> CrossSigningVerifier.verifyDevice(master, bob.selfSigningKey(), device));
        CrossSigningKeys mallory = CrossSigningKeys.generate("@alice:example.org", RANDOM);
        problem(Problem.MISSING_SIGNATURE, () -> CrossSigningVerifier.verifyDevice(master, mallory.selfSigningKey(),
                mallory.signOwnDevice(deviceKeys("@alice:example.org", "ADEV"))));
        // The user-signing key in the self-signing key's place.
        problem(Problem.WRONG_USAGE, () -> CrossSigningVerifier.verifyDevice(master, alice.userSigningKey(), device));
        problem(Problem.USER_MISMATCH, () -> CrossSigningVerifier.verifyDevice(master, alice.selfSigningKey(),
                alice.selfSigningKey().deepCopy().put("user_id", "@bob:example.org").put("device_id", "X")));
        problem(Problem.MALFORMED_DEVICE, () -> CrossSigningVerifier.verifyDevice(master, alice.selfSigningKey(),
                JsonNodeFactory.instance.objectNode()));
        problem(Problem.MISSING_SIGNATURE, () -> CrossSigningVerifier.verifyUserMaster(master, alice.userSigningKey(),
                bob.masterKey()));
        problem(Problem.WRONG_USAGE, () -> alice.signUserMasterKey(bob.selfSigningKey()));
        problem(Problem.USER_MISMATCH, () -> alice.signUserMasterKey(alice.masterKey()));
        problem(Problem.USER_MISMATCH, () -> alice.signOwnDevice(deviceKeys("@bob:example.org", "B")));
        ObjectNode twoKeys = alice.masterKey();
        ((ObjectNode) twoKeys.get("keys")).put("ed25519:other", "other");
        problem(Problem.MALFORMED_KEY, () -> CrossSigningKey.parse(twoKeys));
        ObjectNode wrongId = alice.masterKey();
        ((ObjectNode) wrongId.get("keys")).removeAll().put("ed25519:DEVICE", master.publicKey());
        problem(Problem.MALFORMED_KEY, () -> CrossSigningKey.parse(wrongId));
    }

    private static void problem(Problem expected, Executable call) {
        assertThatThrownBy(call::execute).isInstanceOf(CrossSigningException.class)
                .satisfies(e -> assertThat(((CrossSigningException) e).problem()).isEqualTo(expected));
    }

    private static ObjectNode deviceKeys(String user, String device) {
        ObjectNode keys = JsonNodeFactory.instance.objectNode();
        keys.put("user_id", user).put("device_id", device);
        keys.putArray("algorithms").add("m.olm.v1.curve25519-aes-sha2").add("m.megolm.v1.aes-sha2");
        keys.putObject("keys").put("ed25519:" + device, "key").put("curve25519:" + device, "key");
        return keys;
    }
}
