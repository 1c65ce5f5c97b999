package dev.starling.olm.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys of libolm's "aes-sha2" cipher, derived from a message key: HKDF-SHA-256 with an empty salt and the
 * cipher's info string ({@code "OLM_KEYS"} for Olm, {@code "MEGOLM_KEYS"} for Megolm) expands it to 80 bytes:
 * the AES-256 key, the HMAC-SHA-256 key and the IV. Call {@link #wipe()} when done; {@code toString()} shows
 * nothing secret.
 */
public final class AesSha2Keys {
    /** The info string of Olm's message cipher. */
    public static final byte[] OLM_INFO = "OLM_KEYS".getBytes(StandardCharsets.US_ASCII);
    /** The info string of Megolm's message cipher. */
    public static final byte[] MEGOLM_INFO = "MEGOLM_KEYS".getBytes(StandardCharsets.US_ASCII);

    private final byte[] aesKey;
    private final byte[] macKey;
    private final byte[] iv;

    private AesSha2Keys(byte[] aesKey, byte[] macKey, byte[] iv) {
        this.aesKey = aesKey;
        this.macKey = macKey;
        this.iv = iv;
    }

    /** Derives the three keys from {@code messageKey} with the given info string. */
    public static AesSha2Keys derive(byte[] messageKey, byte[] info) {
        byte[] okm = Hkdf.sha256(null, messageKey, info, 80);
        try {
            return new AesSha2Keys(Arrays.copyOfRange(okm, 0, 32), Arrays.copyOfRange(okm, 32, 64),
                    Arrays.copyOfRange(okm, 64, 80));
        } finally {
            Secrets.wipe(okm);
        }
    }

    public byte[] encrypt(byte[] plaintext) {
        return AesCbc.encrypt(aesKey, iv, plaintext);
    }

    /** Decrypts; the caller checks the MAC with {@link #mac} first. */
    public byte[] decrypt(byte[] ciphertext) {
        return AesCbc.decrypt(aesKey, iv, ciphertext);
    }

    /** HMAC-SHA-256 of {@code authenticated} under the MAC key (callers truncate as their format says). */
    public byte[] mac(byte[] authenticated) {
        return Hmac.sha256(macKey, authenticated);
    }

    public void wipe() {
        Secrets.wipe(aesKey, macKey, iv);
    }

    @Override
    public String toString() {
        return "AesSha2Keys[secret]";
    }
}
