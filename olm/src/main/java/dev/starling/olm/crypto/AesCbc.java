package dev.starling.olm.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256 in CBC mode with PKCS#7 padding, as Olm, Megolm and key backup use it.
 *
 * <p>One JDK {@link Cipher} per thread is kept and re-initialised per call ({@code Cipher.getInstance} on every
 * call cost more than encrypting a message); after each call it is re-keyed with a fixed dummy key so that it
 * does not keep the caller's key schedule (SECURITY.md item 30).
 */
public final class AesCbc {
    /** Bytes of the key. */
    public static final int KEY_BYTES = 32;
    /** Bytes of the IV and of one block. */
    public static final int IV_BYTES = 16;

    private static final String TRANSFORMATION = "AES/CBC/PKCS5Padding";
    private static final SecretKeySpec DUMMY_KEY = new SecretKeySpec(new byte[KEY_BYTES], "AES");
    private static final IvParameterSpec DUMMY_IV = new IvParameterSpec(new byte[IV_BYTES]);
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CBC is missing from the JDK", e);
        }
    });

    private AesCbc() {
    }

    public static byte[] encrypt(byte[] key, byte[] iv, byte[] plaintext) {
        return run(Cipher.ENCRYPT_MODE, key, iv, plaintext);
    }

    /**
     * Decrypts; call only after the MAC was checked.
     *
     * @throws CryptoException when the ciphertext is not whole blocks or the padding is wrong
     */
    public static byte[] decrypt(byte[] key, byte[] iv, byte[] ciphertext) {
        if (ciphertext.length == 0 || ciphertext.length % IV_BYTES != 0) {
            throw new CryptoException("the ciphertext is not a whole number of AES blocks");
        }
        return run(Cipher.DECRYPT_MODE, key, iv, ciphertext);
    }

    private static byte[] run(int mode, byte[] key, byte[] iv, byte[] input) {
        Secrets.requireLength(key, KEY_BYTES, "an AES-256 key");
        Secrets.requireLength(iv, IV_BYTES, "an AES IV");
        Cipher cipher = CIPHER.get();
        try {
            cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return cipher.doFinal(input);
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            throw new CryptoException("the ciphertext's padding is invalid");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CBC refused a key or IV", e);
        } finally {
            forget(cipher);
        }
    }

    private static void forget(Cipher cipher) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, DUMMY_KEY, DUMMY_IV);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CBC refused a key or IV", e);
        }
    }
}
