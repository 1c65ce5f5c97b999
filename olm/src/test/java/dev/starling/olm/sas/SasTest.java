package dev.starling.olm.sas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.testing.MegolmTestVectors;
import dev.starling.protocol.crypto.Base64s;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SAS against libolm's vector, the emoji and decimal conversions, MACs, the commitment and refusals. */
class SasTest {
    private static final JsonNode V = MegolmTestVectors.get("sas");
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void reproducesLibolmsKeysSasBytesAndMacs() {
        Sas alice = Sas.fromPrivateKey(MegolmTestVectors.hex(V, "alice_random_hex"));
        Sas bob = Sas.fromPrivateKey(MegolmTestVectors.hex(V, "bob_random_hex"));
        assertThat(alice.publicKey()).isEqualTo(V.get("alice_pubkey").asText());
        assertThat(bob.publicKey()).isEqualTo(V.get("bob_pubkey").asText());
        alice.setTheirKey(bob.publicKey());
        String info = SasInfo.sas(new SasInfo.Party("@alice:example.org", "ALICEDEV", alice.publicKey()),
                new SasInfo.Party("@bob:example.org", "BOBDEV", bob.publicKey()), "txn1");
        assertThat(info).isEqualTo(V.get("hkdf_info").asText());
        assertThat(HexFormat.of().formatHex(alice.generateBytes(info, 6))).isEqualTo(V.get("sas_bytes_6_hex").asText());
        String macInfo = SasInfo.mac("@alice:example.org", "ALICEDEV", "@bob:example.org", "BOBDEV", "txn1",
                "ed25519:ALICEDEV");
        assertThat(macInfo).isEqualTo(V.get("mac_info").asText());
        assertThat(alice.mac(V.get("mac_input").asText(), macInfo)).isEqualTo(V.get("mac_hkdf_hmac_sha256_v2").asText());
        assertThat(alice.legacyMac(V.get("mac_input").asText(), macInfo))
                .isEqualTo(V.get("mac_hkdf_hmac_sha256_legacy_invalid_base64").asText());
        bob.setTheirKey(alice.publicKey());
        assertThat(bob.generateBytes(info, 6)).isEqualTo(alice.generateBytes(info, 6));
    }

    @Test
    void emojiAndDecimalsFollowTheSpecsBitLayout() {
        byte[] bytes = HexFormat.of().parseHex("0ea6191e1e84");
        // 000011 101010 011000 011001 000111 100001 111010 (000100)
        assertThat(SasEmoji.fromBytes(bytes).stream().map(SasEmoji.Emoji::number).toList())
                .containsExactly(3, 42, 24, 25, 7, 33, 58);
        assertThat(SasEmoji.fromBytes(bytes).get(0).description()).isEqualTo("Horse");
        assertThat(SasEmoji.TABLE).hasSize(64);
        assertThat(SasEmoji.TABLE.get(63).description()).isEqualTo("Pin");
        assertThat(SasEmoji.decimals(HexFormat.of().parseHex("ffffffffff"))).containsExactly(9191, 9191, 9191);
        assertThat(SasEmoji.decimals(new byte[5])).containsExactly(1000, 1000, 1000);
        // 0x0ea6191e1e: 0000111010100 | 1100001100100 | 0111100001111 -> 468, 6244, 3855
        assertThat(SasEmoji.decimals(bytes)).containsExactly(1000 + 468, 1000 + 6244, 1000 + 3855);
    }

    @Test
    void macContentVerifiesAgainstTheKeysWeHoldAndRefusesOthers() {
        Sas a = Sas.create(RANDOM);
        Sas b = Sas.create(RANDOM);
        a.setTheirKey(b.publicKey());
        b.setTheirKey(a.publicKey());
        SasMac.Context fromA = new SasMac.Context("@a:x", "ADEV", "@b:x", "BDEV", "t");
        Map<String, String> aKeys = Map.of("ed25519:ADEV", "devicekeyA", "ed25519:MASTERA", "masterkeyA");
        ObjectNode content = SasMac.build(a, fromA, aKeys);
        assertThat(SasMac.verify(b, fromA, content, aKeys)).containsExactly("ed25519:ADEV", "ed25519:MASTERA");
        // B holds another public key for ADEV (the device ID is the same): refused.
        Map<String, String> substituted = Map.of("ed25519:ADEV", "otherKey", "ed25519:MASTERA", "masterkeyA");
        assertThatThrownBy(() -> SasMac.verify(b, fromA, content, substituted))
                .satisfies(e -> assertThat(((SasException) e).problem()).isEqualTo(SasException.Problem.MAC_MISMATCH));
        assertThatThrownBy(() -> SasMac.verify(b, fromA, content, Map.of("ed25519:ADEV", "devicekeyA")))
                .satisfies(e -> assertThat(((SasException) e).problem()).isEqualTo(SasException.Problem.MALFORMED));
        ObjectNode dropped = content.deepCopy();
        ((ObjectNode) dropped.get("mac")).remove("ed25519:MASTERA");
        assertThatThrownBy(() -> SasMac.verify(b, fromA, dropped, aKeys))
                .satisfies(e -> assertThat(((SasException) e).problem()).isEqualTo(SasException.Problem.MAC_MISMATCH));
        // The reverse direction's info differs: A's MACs do not verify as B's.
        SasMac.Context fromB = new SasMac.Context("@b:x", "BDEV", "@a:x", "ADEV", "t");
        assertThatThrownBy(() -> SasMac.verify(b, fromB, content, aKeys)).isInstanceOf(SasException.class);
    }

    @Test
    void commitmentBindsTheKeyAndTheStartContent() {
        Sas b = Sas.create(RANDOM);
        ObjectNode start = JsonNodeFactory.instance.objectNode().put("method", "m.sas.v1").put("transaction_id", "t");
        String commitment = Sas.commitment(b.publicKey(), start);
        Sas.checkCommitment(commitment, b.publicKey(), start);
        assertThatThrownBy(() -> Sas.checkCommitment(commitment, Sas.create(RANDOM).publicKey(), start))
                .satisfies(e -> assertThat(((SasException) e).problem())
                        .isEqualTo(SasException.Problem.COMMITMENT_MISMATCH));
        ObjectNode changed = start.deepCopy().put("method", "m.other");
        assertThatThrownBy(() -> Sas.checkCommitment(commitment, b.publicKey(), changed))
                .isInstanceOf(SasException.class);
    }

    @Test
    void badKeysAndStatesAreRefused() {
        Sas a = Sas.create(RANDOM);
        assertThatThrownBy(() -> a.generateBytes("x", 6))
                .satisfies(e -> assertThat(((SasException) e).problem()).isEqualTo(SasException.Problem.WRONG_STATE));
        for (String bad : List.of(Base64s.encode(new byte[31]), Base64s.encode(new byte[32]), "not base64!")) {
            assertThatThrownBy(() -> a.setTheirKey(bad))
                    .satisfies(e -> assertThat(((SasException) e).problem()).isEqualTo(SasException.Problem.BAD_KEY));
        }
        a.setTheirKey(Sas.create(RANDOM).publicKey());
        assertThatThrownBy(() -> a.setTheirKey(Sas.create(RANDOM).publicKey()))
                .satisfies(e -> assertThat(((SasException) e).problem()).isEqualTo(SasException.Problem.WRONG_STATE));
        assertThat(a.toString()).isEqualTo("Sas[" + a.publicKey() + "]");
    }
}
