package dev.starling.olm.secretstorage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.crypto.Hkdf;
import dev.starling.olm.crypto.Hmac;
import dev.starling.olm.crypto.Secrets;
import dev.starling.olm.secretstorage.SecretStorageException.Problem;
import dev.starling.protocol.crypto.Base64s;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A secret storage key for {@code m.secret_storage.v1.aes-hmac-sha2} (spec: "Secrets"): encrypts and decrypts
 * secrets stored in account data (HKDF-SHA-256 with 32 zero bytes of salt and the secret name as info → AES
 * key and MAC key; AES-CTR-256 with an IV whose bit 63 is cleared; HMAC-SHA-256 over the ciphertext, checked
 * in constant time before decrypting), builds and checks the key description's {@code iv}/{@code mac} (the
 * encryption of 32 zero bytes under the empty name), and derives a key from a passphrase ({@code m.pbkdf2}:
 * PBKDF2 with HMAC-SHA-512). Accepts base64 with or without padding, writes it unpadded. {@code toString()}
 * shows nothing secret; call {@link #wipe()} when done.
 */
public final class SecretStorageKey {
    /** The algorithm name. */
    public static final String ALGORITHM = "m.secret_storage.v1.aes-hmac-sha2";
    /** Bytes of the key. */
    public static final int KEY_BYTES = 32;

    private static final int IV_BYTES = 16;
    private static final byte[] ZERO_SALT = new byte[32];

    private final byte[] key;

    private SecretStorageKey(byte[] key) {
        this.key = key;
    }

    public static SecretStorageKey generate(SecureRandom random) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return new SecretStorageKey(key);
    }

    /** From 32 key bytes (copied), e.g. decoded from a recovery key. */
    public static SecretStorageKey fromBytes(byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new SecretStorageException(Problem.BAD_LENGTH, "a secret storage key must be 32 bytes");
        }
        return new SecretStorageKey(key.clone());
    }

    /**
     * From a passphrase with the {@code passphrase} object of the key description ({@code algorithm}
     * {@code m.pbkdf2}, {@code salt}, {@code iterations}, optional {@code bits}, default 256).
     */
    public static SecretStorageKey fromPassphrase(char[] passphrase, JsonNode passphraseInfo) {
        if (!"m.pbkdf2".equals(passphraseInfo.path("algorithm").asText(null))) {
            throw new SecretStorageException(Problem.UNSUPPORTED_ALGORITHM, "passphrase algorithm is not m.pbkdf2");
        }
        JsonNode salt = passphraseInfo.get("salt");
        JsonNode iterations = passphraseInfo.get("iterations");
        JsonNode bits = passphraseInfo.path("bits");
        if (salt == null || !salt.isTextual() || iterations == null || !iterations.canConvertToInt()
                || iterations.intValue() < 1 || !(bits.isMissingNode() || bits.canConvertToInt())) {
            throw new SecretStorageException(Problem.MALFORMED, "the passphrase object needs salt and iterations");
        }
        int length = bits.isMissingNode() ? 256 : bits.intValue();
        if (length != 256) {
            throw new SecretStorageException(Problem.BAD_LENGTH, "only 256-bit passphrase keys are supported");
        }
        return new SecretStorageKey(pbkdf2(passphrase, salt.textValue(), iterations.intValue()));
    }

    static byte[] pbkdf2(char[] passphrase, String salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(passphrase, salt.getBytes(StandardCharsets.UTF_8), iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is missing from the JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** Encrypts {@code secret} (UTF-8 text) under {@code name}: the {@code {iv, ciphertext, mac}} object. */
    public ObjectNode encrypt(String name, byte[] secret, SecureRandom random) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        iv[8] &= 0x7F; // bit 63 cleared, as the spec asks
        return encrypt(name, secret, iv);
    }

    ObjectNode encrypt(String name, byte[] secret, byte[] iv) {
        byte[][] keys = deriveKeys(name);
        try {
            byte[] ciphertext = ctr(keys[0], iv, secret);
            byte[] mac = Hmac.sha256(keys[1], ciphertext);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("iv", Base64s.encode(iv));
            out.put("ciphertext", Base64s.encode(ciphertext));
            out.put("mac", Base64s.encode(mac));
            return out;
        } finally {
            Secrets.wipe(keys[0], keys[1]);
        }
    }

    /**
     * Decrypts an {@code {iv, ciphertext, mac}} object stored under {@code name}; the caller wipes the result.
     *
     * @throws SecretStorageException {@code MALFORMED}, {@code BAD_LENGTH} or {@code BAD_MAC}
     */
    public byte[] decrypt(String name, JsonNode encrypted) {
        byte[] iv = field(encrypted, "iv");
        byte[] ciphertext = field(encrypted, "ciphertext");
        byte[] mac = field(encrypted, "mac");
        if (iv.length != IV_BYTES) {
            throw new SecretStorageException(Problem.BAD_LENGTH, "the IV is " + iv.length + " bytes, expected 16");
        }
        if (mac.length != Hmac.BYTES) {
            throw new SecretStorageException(Problem.BAD_LENGTH, "the MAC is " + mac.length + " bytes, expected 32");
        }
        byte[][] keys = deriveKeys(name);
        try {
            if (!Hmac.equal(Hmac.sha256(keys[1], ciphertext), mac)) {
                throw new SecretStorageException(Problem.BAD_MAC, "the MAC of secret " + name + " does not match");
            }
            return ctr(keys[0], iv, ciphertext);
        } finally {
            Secrets.wipe(keys[0], keys[1]);
        }
    }

    /** The key description for {@code m.secret_storage.key.<id>}: algorithm, name, and the check iv/mac. */
    public ObjectNode keyDescription(String displayName, SecureRandom random) {
        ObjectNode check = encrypt("", new byte[32], random);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("algorithm", ALGORITHM);
        if (displayName != null) {
            out.put("name", displayName);
        }
        out.put("iv", check.get("iv").textValue());
        out.put("mac", check.get("mac").textValue());
        return out;
    }

    /**
     * Checks this key against a key description: the algorithm must be ours; when {@code iv} and {@code mac}
     * are present (they are optional), the MAC of 32 encrypted zero bytes must match.
     *
     * @throws SecretStorageException {@code UNSUPPORTED_ALGORITHM}, {@code MALFORMED} or {@code WRONG_KEY}
     */
    public void checkAgainst(JsonNode keyDescription) {
        if (!ALGORITHM.equals(keyDescription.path("algorithm").asText(null))) {
            throw new SecretStorageException(Problem.UNSUPPORTED_ALGORITHM, "the key's algorithm is not " + ALGORITHM);
        }
        if (!keyDescription.has("iv") && !keyDescription.has("mac")) {
            return;
        }
        byte[] iv = field(keyDescription, "iv");
        byte[] mac = field(keyDescription, "mac");
        if (iv.length != IV_BYTES) {
            throw new SecretStorageException(Problem.BAD_LENGTH, "the check IV is " + iv.length + " bytes");
        }
        byte[] expected = Base64s.decode(encrypt("", new byte[32], iv).get("mac").textValue());
        if (!Hmac.equal(expected, mac)) {
            throw new SecretStorageException(Problem.WRONG_KEY, "the key does not match the key description");
        }
    }

    private byte[][] deriveKeys(String name) {
        byte[] okm = Hkdf.sha256(ZERO_SALT, key, name.getBytes(StandardCharsets.UTF_8), 64);
        try {
            return new byte[][] {Arrays.copyOf(okm, 32), Arrays.copyOfRange(okm, 32, 64)};
        } finally {
            Secrets.wipe(okm);
        }
    }

    private static byte[] ctr(byte[] aesKey, byte[] iv, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(iv));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR is missing from the JDK", e);
        }
    }

    private static byte[] field(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        if (value == null || !value.isTextual()) {
            throw new SecretStorageException(Problem.MALFORMED, name + " is missing or not a string");
        }
        try {
            return Base64s.decode(value.textValue());
        } catch (IllegalArgumentException e) {
            throw new SecretStorageException(Problem.MALFORMED, name + " is not base64");
        }
    }

    public void wipe() {
        Secrets.wipe(key);
    }

    @Override
    public String toString() {
        return "SecretStorageKey[secret]";
    }
}
