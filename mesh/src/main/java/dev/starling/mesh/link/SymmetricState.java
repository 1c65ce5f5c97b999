package dev.starling.mesh.link;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Noise SymmetricState (§5.2) with SHA-256 and HKDF over HMAC-SHA256 (§4.3). Not thread-safe. */
final class SymmetricState {
    static final int HASH_BYTES = 32;

    private final CipherState cipher = new CipherState();
    private byte[] chainingKey;
    private byte[] hash;

    SymmetricState(String protocolName) {
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        hash = name.length <= HASH_BYTES ? Arrays.copyOf(name, HASH_BYTES) : sha256(name);
        chainingKey = hash.clone();
    }

    void mixKey(byte[] inputKeyMaterial) {
        byte[][] out = hkdf(chainingKey, inputKeyMaterial, 2);
        chainingKey = out[0];
        cipher.initializeKey(out[1]);
        Arrays.fill(out[1], (byte) 0);
    }

    void mixHash(byte[] data) {
        MessageDigest digest = sha256();
        digest.update(hash);
        digest.update(data);
        hash = digest.digest();
    }

    byte[] encryptAndHash(byte[] plaintext) throws NoiseException {
        byte[] ciphertext = cipher.encryptWithAd(hash, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    byte[] decryptAndHash(byte[] ciphertext) throws NoiseException {
        byte[] plaintext = cipher.decryptWithAd(hash, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    boolean hasKey() {
        return cipher.hasKey();
    }

    byte[] handshakeHash() {
        return hash.clone();
    }

    /** Split (§5.2): the two transport ciphers, initiator-to-responder first. */
    CipherState[] split() {
        byte[][] out = hkdf(chainingKey, new byte[0], 2);
        CipherState[] pair = {new CipherState(out[0]), new CipherState(out[1])};
        Arrays.fill(out[0], (byte) 0);
        Arrays.fill(out[1], (byte) 0);
        Arrays.fill(chainingKey, (byte) 0);
        cipher.wipe();
        return pair;
    }

    static byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
        byte[] tempKey = hmac(chainingKey, inputKeyMaterial);
        byte[][] out = new byte[outputs][];
        byte[] previous = new byte[0];
        for (int i = 0; i < outputs; i++) {
            byte[] input = Arrays.copyOf(previous, previous.length + 1);
            input[previous.length] = (byte) (i + 1);
            out[i] = hmac(tempKey, input);
            previous = out[i];
        }
        Arrays.fill(tempKey, (byte) 0);
        return out;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by the JDK", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }

    @Override
    public String toString() {
        return "SymmetricState[keyed=" + cipher.hasKey() + "]";
    }
}
