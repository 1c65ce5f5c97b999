package dev.starling.protocol.crypto;

import dev.starling.protocol.id.KeyId;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 public key with its key ID (spec: Appendices, "Signing Details"; Server-Server API,
 * "Retrieving server keys"). Immutable.
 *
 * <p>Decoding is strict: exactly 32 bytes of base64 that encode a point of large prime order in canonical
 * form. Small-order ("weak") keys, with which a trivial signature verifies for every message, are refused
 * here, and BouncyCastle's verifier refuses them and non-canonical signatures (S ≥ L) too (SECURITY item 9).
 */
public final class VerifyKey {
    /** Bytes of an Ed25519 public key. */
    public static final int KEY_BYTES = Ed25519.PUBLIC_KEY_SIZE;
    /** Bytes of an Ed25519 signature. */
    public static final int SIGNATURE_BYTES = Ed25519.SIGNATURE_SIZE;
    /** The only signing algorithm Matrix defines. */
    public static final String ED25519 = "ed25519";

    private final KeyId keyId;
    private final byte[] publicKey;
    private final Ed25519PublicKeyParameters parameters;

    private VerifyKey(KeyId keyId, byte[] publicKey) {
        this.keyId = keyId;
        this.publicKey = publicKey;
        this.parameters = new Ed25519PublicKeyParameters(publicKey);
    }

    /** Builds a verify key from 32 raw bytes; refuses other algorithms, other lengths and weak keys. */
    public static VerifyKey of(KeyId keyId, byte[] publicKey) {
        requireEd25519(keyId);
        if (publicKey.length != KEY_BYTES) {
            throw new KeyFormatException(KeyFormatException.Problem.WRONG_LENGTH,
                    "key " + keyId + " is " + publicKey.length + " bytes, expected " + KEY_BYTES);
        }
        if (!Ed25519.validatePublicKeyFull(publicKey, 0)) {
            throw new KeyFormatException(KeyFormatException.Problem.WEAK_KEY,
                    "key " + keyId + " is not a canonical point of large prime order");
        }
        return new VerifyKey(keyId, publicKey.clone());
    }

    /** Decodes a public key from unpadded standard base64 (exactly 32 bytes). */
    public static VerifyKey fromBase64(KeyId keyId, String base64) {
        requireEd25519(keyId);
        byte[] bytes;
        try {
            bytes = Base64s.decode(base64);
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException(KeyFormatException.Problem.MALFORMED_BASE64,
                    "key " + keyId + ": " + e.getMessage());
        }
        return of(keyId, bytes);
    }

    static void requireEd25519(KeyId keyId) {
        if (!ED25519.equals(keyId.algorithm())) {
            throw new KeyFormatException(KeyFormatException.Problem.UNSUPPORTED_ALGORITHM,
                    "key " + keyId + " is not an " + ED25519 + " key");
        }
    }

    public KeyId keyId() {
        return keyId;
    }

    /** A copy of the 32 public key bytes. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The public key as unpadded standard base64, as published in {@code verify_keys}. */
    public String publicKeyBase64() {
        return Base64s.encode(publicKey);
    }

    /** True when {@code signature} is a valid, canonical Ed25519 signature of {@code message} by this key. */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature.length != SIGNATURE_BYTES) {
            return false;
        }
        // The key parameters hold the decoded point, so this skips decompressing the key on every call and
        // the message copy an Ed25519Signer would make.
        return parameters.verify(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VerifyKey that && keyId.equals(that.keyId) && Arrays.equals(publicKey, that.publicKey);
    }

    @Override
    public int hashCode() {
        return 31 * keyId.hashCode() + Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "VerifyKey[" + keyId + " " + publicKeyBase64() + "]";
    }
}
