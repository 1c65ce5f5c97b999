package dev.starling.olm.crypto;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * X25519 (RFC 7748) as Olm uses it: 32-byte private and public keys, and a key agreement that refuses an
 * all-zero result (a peer key of small order; SECURITY.md item 29).
 */
public final class Curve25519 {
    /** Bytes of a private key, a public key and a shared secret. */
    public static final int KEY_BYTES = 32;

    private Curve25519() {
    }

    /** 32 random bytes from {@code random}, to be used as a private key (clamped when used). */
    public static byte[] generatePrivateKey(SecureRandom random) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return key;
    }

    /** The public key of a 32-byte private key. */
    public static byte[] publicKey(byte[] privateKey) {
        Secrets.requireLength(privateKey, KEY_BYTES, "a Curve25519 private key");
        byte[] publicKey = new byte[KEY_BYTES];
        X25519.scalarMultBase(privateKey, 0, publicKey, 0);
        return publicKey;
    }

    /**
     * The shared secret of our private key and a peer's public key.
     *
     * @throws CryptoException for wrong lengths or a non-contributory (all-zero) result
     */
    public static byte[] agree(byte[] privateKey, byte[] peerPublicKey) {
        Secrets.requireLength(privateKey, KEY_BYTES, "a Curve25519 private key");
        Secrets.requireLength(peerPublicKey, KEY_BYTES, "a Curve25519 public key");
        byte[] shared = new byte[KEY_BYTES];
        if (!X25519.calculateAgreement(privateKey, 0, peerPublicKey, 0, shared, 0)) {
            throw new CryptoException("the Curve25519 key agreement is non-contributory (all-zero result)");
        }
        return shared;
    }
}
