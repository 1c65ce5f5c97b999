package dev.starling.protocol.crypto;

import dev.starling.protocol.id.KeyId;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 signing key: the 32-byte seed and its key ID (spec: Appendices, "Signing Details").
 *
 * <p>{@link #toString()} shows only the key ID and the public key; exceptions never carry the seed
 * (SECURITY item 30). The seed leaves this object only through {@link #seedBase64()}, for storing the key.
 */
public final class SigningKey {
    /** Bytes of an Ed25519 seed. */
    public static final int SEED_BYTES = Ed25519PrivateKeyParameters.KEY_SIZE;

    private final KeyId keyId;
    private final Ed25519PrivateKeyParameters privateKey;
    private final VerifyKey verifyKey;

    private SigningKey(KeyId keyId, byte[] seed) {
        VerifyKey.requireEd25519(keyId);
        if (seed.length != SEED_BYTES) {
            throw new KeyFormatException(KeyFormatException.Problem.WRONG_LENGTH,
                    "seed for " + keyId + " is " + seed.length + " bytes, expected " + SEED_BYTES);
        }
        this.keyId = keyId;
        this.privateKey = new Ed25519PrivateKeyParameters(seed);
        this.verifyKey = VerifyKey.of(keyId, privateKey.generatePublicKey().getEncoded());
    }

    /** A new random key from the platform's strong random source. */
    public static SigningKey generate(KeyId keyId) {
        return generate(keyId, new SecureRandom());
    }

    /** A new random key from the given source. */
    public static SigningKey generate(KeyId keyId, SecureRandom random) {
        byte[] seed = new byte[SEED_BYTES];
        random.nextBytes(seed);
        try {
            return new SigningKey(keyId, seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** A key from its 32-byte seed; the caller's array is not kept. */
    public static SigningKey fromSeed(KeyId keyId, byte[] seed) {
        return new SigningKey(keyId, seed);
    }

    /** A key from its seed in unpadded standard base64 (exactly 32 bytes). */
    public static SigningKey fromSeedBase64(KeyId keyId, String seedBase64) {
        byte[] seed;
        try {
            seed = Base64s.decode(seedBase64);
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException(KeyFormatException.Problem.MALFORMED_BASE64,
                    "seed for " + keyId + ": " + e.getMessage());
        }
        try {
            return new SigningKey(keyId, seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** The seed in unpadded standard base64. This is the secret: store it, never log it. */
    public String seedBase64() {
        byte[] seed = privateKey.getEncoded();
        try {
            return Base64s.encode(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    public KeyId keyId() {
        return keyId;
    }

    /** The public half, with the same key ID. */
    public VerifyKey verifyKey() {
        return verifyKey;
    }

    /**
     * The 64-byte Ed25519 signature of {@code message}. Signs straight from the array (an {@code Ed25519Signer}
     * would copy the message into its buffer first); the public key the signature needs is computed once, as
     * {@link Ed25519PrivateKeyParameters} caches it.
     */
    public byte[] sign(byte[] message) {
        byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
        privateKey.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
        return signature;
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId + " public " + verifyKey.publicKeyBase64() + "]";
    }
}
