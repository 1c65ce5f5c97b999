package dev.starling.olm.backup;

import dev.starling.olm.backup.BackupException.Problem;
import dev.starling.olm.crypto.AesSha2Keys;
import dev.starling.olm.crypto.CryptoException;
import dev.starling.olm.crypto.Curve25519;
import dev.starling.olm.crypto.Hmac;
import dev.starling.olm.crypto.Secrets;
import dev.starling.protocol.crypto.Base64s;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * libolm's PkEncryption, the cipher of {@code m.megolm_backup.v1.curve25519-aes-sha2}: an ephemeral X25519
 * key agrees with the backup's public key; the shared secret is expanded by HKDF-SHA-256 (empty salt, empty
 * info) to 80 bytes (AES-256 key, HMAC key, IV); the plaintext is encrypted with AES-256-CBC; the MAC is the
 * first 8 bytes of HMAC-SHA-256 over an <em>empty string</em> (spec: "Backup algorithm:
 * m.megolm_backup.v1.curve25519-aes-sha2", step 5 and its warning: libolm's bug, which every implementation
 * now reproduces). So the MAC authenticates only the key agreement, not the ciphertext; a tampered
 * ciphertext is refused by its padding or by the JSON parse of the plaintext, not by the MAC.
 */
public final class PkEncryption {
    /** Bytes of the truncated MAC. */
    public static final int MAC_BYTES = 8;

    private static final byte[] NO_INFO = new byte[0];
    /** What libolm MACs (see the class comment). */
    private static final byte[] EMPTY = new byte[0];

    private PkEncryption() {
    }

    /** The three base64 fields of an encrypted backup entry ({@code session_data}). */
    public record Encrypted(String ephemeral, String ciphertext, String mac) {
    }

    /** Encrypts to {@code recipientPublicKey} with a fresh ephemeral key. */
    public static Encrypted encrypt(byte[] recipientPublicKey, byte[] plaintext, SecureRandom random) {
        byte[] ephemeral = Curve25519.generatePrivateKey(random);
        try {
            return encrypt(recipientPublicKey, plaintext, ephemeral);
        } finally {
            Secrets.wipe(ephemeral);
        }
    }

    /** Encrypts with the given ephemeral private key (32 bytes; for vectors and tests). */
    public static Encrypted encrypt(byte[] recipientPublicKey, byte[] plaintext, byte[] ephemeralPrivateKey) {
        requireKey(recipientPublicKey, "the backup public key");
        byte[] shared = agree(ephemeralPrivateKey, recipientPublicKey);
        AesSha2Keys keys = AesSha2Keys.derive(shared, NO_INFO);
        Secrets.wipe(shared);
        try {
            byte[] ciphertext = keys.encrypt(plaintext);
            byte[] mac = Arrays.copyOf(keys.mac(EMPTY), MAC_BYTES);
            return new Encrypted(Base64s.encode(Curve25519.publicKey(ephemeralPrivateKey)),
                    Base64s.encode(ciphertext), Base64s.encode(mac));
        } finally {
            keys.wipe();
        }
    }

    /**
     * Decrypts with the backup's private key: checks the MAC (constant time) before decrypting.
     *
     * @throws BackupException {@code MALFORMED_BASE64}, {@code BAD_KEY}, {@code BAD_MAC} or {@code BAD_CIPHERTEXT}
     */
    public static byte[] decrypt(byte[] privateKey, Encrypted message) {
        requireKey(privateKey, "the backup private key");
        byte[] ephemeral = decode(message.ephemeral(), "ephemeral");
        requireKey(ephemeral, "the ephemeral key");
        byte[] ciphertext = decode(message.ciphertext(), "ciphertext");
        byte[] mac = decode(message.mac(), "mac");
        if (mac.length != MAC_BYTES) {
            throw new BackupException(Problem.MALFORMED, "the MAC is " + mac.length + " bytes, expected " + MAC_BYTES);
        }
        byte[] shared = agree(privateKey, ephemeral);
        AesSha2Keys keys = AesSha2Keys.derive(shared, NO_INFO);
        Secrets.wipe(shared);
        try {
            if (!Hmac.equal(Arrays.copyOf(keys.mac(EMPTY), MAC_BYTES), mac)) {
                throw new BackupException(Problem.BAD_MAC, "the backup entry's MAC does not match");
            }
            try {
                return keys.decrypt(ciphertext);
            } catch (CryptoException e) {
                throw new BackupException(Problem.BAD_CIPHERTEXT, "the backup entry does not decrypt");
            }
        } finally {
            keys.wipe();
        }
    }

    private static byte[] agree(byte[] privateKey, byte[] publicKey) {
        try {
            return Curve25519.agree(privateKey, publicKey);
        } catch (CryptoException e) {
            throw new BackupException(Problem.BAD_KEY, "the key agreement is non-contributory");
        }
    }

    private static void requireKey(byte[] key, String what) {
        if (key == null || key.length != Curve25519.KEY_BYTES) {
            throw new BackupException(Problem.BAD_KEY, what + " must be 32 bytes, got "
                    + (key == null ? "none" : key.length));
        }
    }

    private static byte[] decode(String base64, String field) {
        if (base64 == null) {
            throw new BackupException(Problem.MALFORMED, "the " + field + " field is missing");
        }
        try {
            return Base64s.decode(base64);
        } catch (IllegalArgumentException e) {
            throw new BackupException(Problem.MALFORMED_BASE64, "the " + field + " field is not base64");
        }
    }
}
