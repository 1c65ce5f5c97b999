package dev.starling.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.protocol.id.KeyId;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SigningKey and VerifyKey, including the strictness of Ed25519 (SECURITY items 9, 29, 30). */
class KeysTest {
    static final KeyId ID = KeyId.ed25519("1");
    static final byte[] MESSAGE = "message".getBytes(StandardCharsets.UTF_8);
    /** The order of the Ed25519 base point, L = 2^252 + 27742317777372353535851937790883648493. */
    static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

    static KeyFormatException.Problem keyProblem(Throwable e) {
        return ((KeyFormatException) e).problem();
    }

    @Test
    void generatedKeysSignAndVerify() {
        SigningKey key = SigningKey.generate(ID);
        byte[] signature = key.sign(MESSAGE);
        assertThat(signature).hasSize(64);
        assertThat(key.verifyKey().verify(MESSAGE, signature)).isTrue();
        assertThat(key.verifyKey().verify("other".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
        assertThat(SigningKey.generate(ID).verifyKey()).isNotEqualTo(key.verifyKey());
    }

    @Test
    void seedRoundTripsThroughUnpaddedBase64() {
        SigningKey key = SigningKey.generate(ID);
        String seed = key.seedBase64();
        assertThat(seed).hasSize(43).doesNotContain("=");
        SigningKey again = SigningKey.fromSeedBase64(ID, seed);
        assertThat(again.verifyKey()).isEqualTo(key.verifyKey());
        assertThat(again.sign(MESSAGE)).isEqualTo(key.sign(MESSAGE)); // Ed25519 is deterministic
    }

    @Test
    void toStringShowsOnlyPublicParts() {
        SigningKey key = SigningKey.generate(ID);
        String seed = key.seedBase64();
        assertThat(key.toString()).contains("ed25519:1", key.verifyKey().publicKeyBase64()).doesNotContain(seed);
        assertThat(key.verifyKey().toString()).contains("ed25519:1", key.verifyKey().publicKeyBase64());
    }

    @Test
    void badSeedsAreRefusedWithoutEchoingThem() {
        String short31 = Base64s.encode(new byte[31]);
        String long33 = Base64s.encode(new byte[33]);
        assertThatThrownBy(() -> SigningKey.fromSeedBase64(ID, short31)).satisfies(e -> {
            assertThat(keyProblem(e)).isEqualTo(KeyFormatException.Problem.WRONG_LENGTH);
            assertThat(e.getMessage()).doesNotContain(short31);
        });
        assertThatThrownBy(() -> SigningKey.fromSeedBase64(ID, long33))
                .satisfies(e -> assertThat(keyProblem(e)).isEqualTo(KeyFormatException.Problem.WRONG_LENGTH));
        String notBase64 = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3X!1";
        assertThatThrownBy(() -> SigningKey.fromSeedBase64(ID, notBase64)).satisfies(e -> {
            assertThat(keyProblem(e)).isEqualTo(KeyFormatException.Problem.MALFORMED_BASE64);
            assertThat(e.getMessage()).doesNotContain("YJDBA9");
        });
        assertThatThrownBy(() -> SigningKey.fromSeedBase64(KeyId.parse("curve25519:1"), SigningKey.generate(ID).seedBase64()))
                .satisfies(e -> assertThat(keyProblem(e)).isEqualTo(KeyFormatException.Problem.UNSUPPORTED_ALGORITHM));
    }

    @Test
    void verifyKeyDecodesExactly32Bytes() {
        VerifyKey key = SigningKey.generate(ID).verifyKey();
        assertThat(VerifyKey.fromBase64(ID, key.publicKeyBase64())).isEqualTo(key);
        String truncated = Base64s.encode(java.util.Arrays.copyOf(key.publicKey(), 31));
        String overLong = Base64s.encode(java.util.Arrays.copyOf(key.publicKey(), 33));
        assertThatThrownBy(() -> VerifyKey.fromBase64(ID, truncated))
                .satisfies(e -> assertThat(keyProblem(e)).isEqualTo(KeyFormatException.Problem.WRONG_LENGTH));
        assertThatThrownBy(() -> VerifyKey.fromBase64(ID, overLong))
                .satisfies(e -> assertThat(keyProblem(e)).isEqualTo(KeyFormatException.Problem.WRONG_LENGTH));
        assertThatThrownBy(() -> VerifyKey.fromBase64(ID, key.publicKeyBase64().substring(0, 42)))
                .satisfies(e -> assertThat(keyProblem(e)).isEqualTo(KeyFormatException.Problem.WRONG_LENGTH));
        assertThatThrownBy(() -> VerifyKey.fromBase64(ID, key.publicKeyBase64().replace(key.publicKeyBase64().charAt(5), '*')))
                .satisfies(e -> assertThat(keyProblem(e)).isEqualTo(KeyFormatException.Problem.MALFORMED_BASE64));
        assertThatThrownBy(() -> VerifyKey.fromBase64(ID, " " + key.publicKeyBase64()))
                .satisfies(e -> assertThat(keyProblem(e)).isEqualTo(KeyFormatException.Problem.MALFORMED_BASE64));
    }

    /** The eight points of small order, and a non-canonical encoding (y = p), in little-endian hex. */
    @ParameterizedTest
    @ValueSource(strings = {
            "0100000000000000000000000000000000000000000000000000000000000000", // identity (order 1)
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
            "0000000000000000000000000000000000000000000000000000000000000000", // order 4
            "0000000000000000000000000000000000000000000000000000000000000080", // order 4
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", // order 8
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p, not canonical
    })
    void weakAndNonCanonicalPublicKeysAreRefused(String hex) {
        byte[] key = HexFormat.of().parseHex(hex);
        assertThatThrownBy(() -> VerifyKey.of(ID, key))
                .satisfies(e -> assertThat(keyProblem(e)).isEqualTo(KeyFormatException.Problem.WEAK_KEY));
        assertThatThrownBy(() -> VerifyKey.fromBase64(ID, Base64s.encode(key)))
                .satisfies(e -> assertThat(keyProblem(e)).isEqualTo(KeyFormatException.Problem.WEAK_KEY));
    }

    @Test
    void bouncyCastleRefusesTheIdentityKeyWithTheTrivialSignature() {
        // Below our own decoding check: BouncyCastle's verifier itself refuses the identity point as public key
        // with R = identity, S = 0, which a lax verifier accepts for every message (SECURITY item 9).
        byte[] identity = HexFormat.of().parseHex("0100000000000000000000000000000000000000000000000000000000000000");
        byte[] trivial = new byte[64];
        trivial[0] = 1;
        boolean accepted;
        try {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(identity));
            verifier.update(MESSAGE, 0, MESSAGE.length);
            accepted = verifier.verifySignature(trivial);
        } catch (IllegalArgumentException refusedAtDecoding) {
            accepted = false;
        }
        assertThat(accepted).isFalse();
    }

    @Test
    void signatureWithSAtLeastLIsRefused() {
        SigningKey key = SigningKey.generate(ID);
        byte[] signature = key.sign(MESSAGE);
        byte[] malleated = withS(signature, littleEndian(signature, 32).add(L));
        assertThat(key.verifyKey().verify(MESSAGE, signature)).isTrue();
        // S + L is the same scalar mod L, so a non-strict verifier would accept it.
        assertThat(key.verifyKey().verify(MESSAGE, malleated)).isFalse();
        assertThat(key.verifyKey().verify(MESSAGE, withS(signature, L))).isFalse();
    }

    @Test
    void signaturesOfTheWrongLengthDoNotVerify() {
        SigningKey key = SigningKey.generate(ID);
        byte[] signature = key.sign(MESSAGE);
        assertThat(key.verifyKey().verify(MESSAGE, java.util.Arrays.copyOf(signature, 63))).isFalse();
        assertThat(key.verifyKey().verify(MESSAGE, java.util.Arrays.copyOf(signature, 65))).isFalse();
    }

    static BigInteger littleEndian(byte[] bytes, int offset) {
        byte[] big = new byte[32];
        for (int i = 0; i < 32; i++) {
            big[31 - i] = bytes[offset + i];
        }
        return new BigInteger(1, big);
    }

    static byte[] withS(byte[] signature, BigInteger s) {
        byte[] out = signature.clone();
        byte[] big = s.toByteArray();
        java.util.Arrays.fill(out, 32, 64, (byte) 0);
        for (int i = 0; i < big.length && i < 32; i++) {
            out[32 + i] = big[big.length - 1 - i];
        }
        return out;
    }
}
