package dev.starling.mesh.link;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** A Curve25519 key pair for Noise DH (§12.1). {@link #toString()} shows no key material. */
final class X25519KeyPair {
    static final int KEY_BYTES = X25519.POINT_SIZE;

    private final byte[] privateKey;
    private final byte[] publicKey;

    private X25519KeyPair(byte[] privateKey) {
        this.privateKey = privateKey;
        this.publicKey = new byte[KEY_BYTES];
        X25519.generatePublicKey(privateKey, 0, publicKey, 0);
    }

    static X25519KeyPair generate(SecureRandom random) {
        byte[] key = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(random, key);
        return new X25519KeyPair(key);
    }

    static X25519KeyPair fromPrivate(byte[] privateKey) {
        return new X25519KeyPair(privateKey.clone());
    }

    byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * DH with a peer's public key. An all-zero result (the peer sent a small-order point, so the "shared"
     * secret is known to everybody) is refused (SECURITY item 29).
     */
    byte[] dh(byte[] peerPublic) throws NoiseException {
        byte[] shared = new byte[KEY_BYTES];
        if (!X25519.calculateAgreement(privateKey, 0, peerPublic, 0, shared, 0)) {
            throw new NoiseException("non-contributory X25519 result");
        }
        return shared;
    }

    void wipe() {
        Arrays.fill(privateKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "X25519KeyPair[public]";
    }
}
