package dev.starling.olm.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The primitives against their RFCs' published test vectors, and their refusals. */
class PrimitivesTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void hkdfMatchesRfc5869TestCase1() {
        byte[] okm = Hkdf.sha256(HEX.parseHex("000102030405060708090a0b0c"),
                HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertThat(HEX.formatHex(okm)).isEqualTo(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    @Test
    void hkdfWithoutSaltMatchesRfc5869TestCase3() {
        byte[] okm = Hkdf.sha256(null, HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), new byte[0], 42);
        assertThat(HEX.formatHex(okm)).isEqualTo(
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }

    @Test
    void hmacMatchesRfc4231TestCase2() {
        byte[] mac = Hmac.sha256("Jefe".getBytes(StandardCharsets.US_ASCII),
                "what do ya want ".getBytes(StandardCharsets.US_ASCII),
                "for nothing?".getBytes(StandardCharsets.US_ASCII));
        assertThat(HEX.formatHex(mac)).isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assertThat(Hmac.equal(mac, mac.clone())).isTrue();
        byte[] other = mac.clone();
        other[31] ^= 1;
        assertThat(Hmac.equal(mac, other)).isFalse();
    }

    @Test
    void x25519MatchesRfc7748Section6_1() {
        byte[] alice = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bob = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        assertThat(HEX.formatHex(Curve25519.publicKey(alice)))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assertThat(HEX.formatHex(Curve25519.agree(alice, Curve25519.publicKey(bob))))
                .isEqualTo("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    }

    @Test
    void x25519RefusesAnAllZeroResultAndWrongLengths() {
        byte[] alice = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        assertThatThrownBy(() -> Curve25519.agree(alice, new byte[32]))
                .isInstanceOf(CryptoException.class).hasMessageContaining("non-contributory");
        assertThatThrownBy(() -> Curve25519.agree(alice, new byte[31]))
                .isInstanceOf(CryptoException.class).hasMessageContaining("32 bytes, got 31");
    }

    @Test
    void aesCbcRoundTripsAndRefusesBadInput() {
        byte[] key = new byte[32];
        byte[] iv = new byte[16];
        byte[] ciphertext = AesCbc.encrypt(key, iv, "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(ciphertext).hasSize(16);
        assertThat(new String(AesCbc.decrypt(key, iv, ciphertext), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThatThrownBy(() -> AesCbc.decrypt(key, iv, new byte[15])).isInstanceOf(CryptoException.class);
        byte[] tampered = ciphertext.clone();
        tampered[15] ^= 0x55;
        assertThatThrownBy(() -> AesCbc.decrypt(key, iv, tampered)).isInstanceOf(CryptoException.class)
                .hasMessageContaining("padding");
    }

    @Test
    void aesSha2KeysSplitTheHkdfOutputAndWipe() {
        byte[] messageKey = new byte[32];
        AesSha2Keys keys = AesSha2Keys.derive(messageKey, AesSha2Keys.OLM_INFO);
        byte[] okm = Hkdf.sha256(null, messageKey, AesSha2Keys.OLM_INFO, 80);
        byte[] plaintext = "x".getBytes(StandardCharsets.UTF_8);
        assertThat(keys.encrypt(plaintext)).isEqualTo(AesCbc.encrypt(java.util.Arrays.copyOfRange(okm, 0, 32),
                java.util.Arrays.copyOfRange(okm, 64, 80), plaintext));
        assertThat(keys.mac(plaintext)).isEqualTo(Hmac.sha256(java.util.Arrays.copyOfRange(okm, 32, 64), plaintext));
        assertThat(keys.toString()).doesNotContain(HEX.formatHex(okm, 0, 4));
        keys.wipe();
        assertThat(keys.mac(plaintext)).isEqualTo(Hmac.sha256(new byte[32], plaintext));
    }
}
