package dev.starling.mesh.link;

import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Noise CipherState (Noise spec rev. 34, §5.1) for ChaChaPoly: a key and an implicit 64-bit counter nonce,
 * encoded as 32 zero bits followed by the counter little-endian (§12.3). Because the nonce is implicit and
 * only ever increases, a replayed, reordered or dropped message fails authentication. Not thread-safe.
 */
final class CipherState {
    static final int TAG_BYTES = 16;
    /** 2^64 - 1 is reserved (§5.1); we stop one before and the link must be closed. */
    private static final long MAX_NONCE = -1L;

    private byte[] key;
    private long nonce;
    private boolean destroyed;

    CipherState() {
    }

    CipherState(byte[] key) {
        initializeKey(key);
    }

    void initializeKey(byte[] newKey) {
        if (key != null) {
            Arrays.fill(key, (byte) 0);
        }
        key = newKey == null ? null : newKey.clone();
        nonce = 0;
    }

    boolean hasKey() {
        return key != null;
    }

    long nonce() {
        return nonce;
    }

    byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws NoiseException {
        checkNotDestroyed();
        if (key == null) {
            return plaintext.clone();
        }
        byte[] out = process(true, ad, plaintext, 0, plaintext.length);
        nonce++;
        return out;
    }

    byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws NoiseException {
        return decryptWithAd(ad, ciphertext, 0, ciphertext.length);
    }

    byte[] decryptWithAd(byte[] ad, byte[] ciphertext, int offset, int length) throws NoiseException {
        checkNotDestroyed();
        if (key == null) {
            return Arrays.copyOfRange(ciphertext, offset, offset + length);
        }
        if (length < TAG_BYTES) {
            throw new NoiseException("ciphertext shorter than the tag");
        }
        byte[] out = process(false, ad, ciphertext, offset, length);
        // Only a successful decryption advances the nonce (§5.1); the caller closes the link on failure anyway.
        nonce++;
        return out;
    }

    private byte[] process(boolean encrypt, byte[] ad, byte[] input, int offset, int length) throws NoiseException {
        if (nonce == MAX_NONCE) {
            throw new NoiseException("nonce exhausted");
        }
        byte[] iv = new byte[12];
        for (int i = 0; i < 8; i++) {
            iv[4 + i] = (byte) (nonce >>> (8 * i));
        }
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_BYTES * 8, iv, ad));
        byte[] out = new byte[aead.getOutputSize(length)];
        int written = aead.processBytes(input, offset, length, out, 0);
        try {
            written += aead.doFinal(out, written);
        } catch (InvalidCipherTextException e) {
            throw new NoiseException("authentication failed");
        }
        return written == out.length ? out : Arrays.copyOf(out, written);
    }

    /** Zeroes the key; every later use fails (never falls back to the keyless pass-through). */
    void wipe() {
        if (key != null) {
            Arrays.fill(key, (byte) 0);
        }
        destroyed = true;
    }

    private void checkNotDestroyed() throws NoiseException {
        if (destroyed) {
            throw new NoiseException("cipher state wiped");
        }
    }

    @Override
    public String toString() {
        return "CipherState[nonce=" + nonce + "]";
    }
}
