package dev.starling.olm.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.backup.BackupException.Problem;
import dev.starling.olm.crypto.Curve25519;
import dev.starling.olm.crypto.Secrets;
import dev.starling.protocol.crypto.Base64s;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.SignatureException;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.json.InvalidJsonException;
import java.security.SecureRandom;

/**
 * The private key of a {@code m.megolm_backup.v1.curve25519-aes-sha2} backup: decrypts {@code session_data},
 * shows itself as a recovery key, and builds and checks the backup version's {@code auth_data}. The static
 * methods that only encrypt need just the public key. {@code toString()} shows the public key only; call
 * {@link #wipe()} when done.
 */
public final class BackupKey {
    /** The backup algorithm name. */
    public static final String ALGORITHM = "m.megolm_backup.v1.curve25519-aes-sha2";

    private final byte[] privateKey;
    private final String publicKey;

    private BackupKey(byte[] privateKey) {
        this.privateKey = privateKey;
        this.publicKey = Base64s.encode(Curve25519.publicKey(privateKey));
    }

    public static BackupKey generate(SecureRandom random) {
        return new BackupKey(Curve25519.generatePrivateKey(random));
    }

    /** From the 32 private key bytes (copied). */
    public static BackupKey fromPrivateKey(byte[] privateKey) {
        if (privateKey == null || privateKey.length != Curve25519.KEY_BYTES) {
            throw new BackupException(Problem.BAD_KEY, "a backup private key must be 32 bytes");
        }
        return new BackupKey(privateKey.clone());
    }

    /** From a recovery key; see {@link RecoveryKey#decode}. */
    public static BackupKey fromRecoveryKey(String recoveryKey) {
        return new BackupKey(RecoveryKey.decode(recoveryKey));
    }

    /** The public key, unpadded base64, as in {@code auth_data.public_key}. */
    public String publicKey() {
        return publicKey;
    }

    /** The recovery key to show the user. Secret. */
    public String recoveryKey() {
        return RecoveryKey.encode(privateKey);
    }

    /**
     * Encrypts a backed-up room key's JSON ({@code algorithm}, {@code sender_key}, {@code session_key}, ...)
     * to a backup public key; returns the {@code session_data} object.
     */
    public static ObjectNode encryptSessionData(String backupPublicKey, ObjectNode roomKey, SecureRandom random) {
        byte[] recipient = decodePublic(backupPublicKey);
        byte[] plaintext = CanonicalJson.encode(roomKey);
        try {
            return toJson(PkEncryption.encrypt(recipient, plaintext, random));
        } finally {
            Secrets.wipe(plaintext);
        }
    }

    static ObjectNode toJson(PkEncryption.Encrypted encrypted) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("ephemeral", encrypted.ephemeral());
        out.put("ciphertext", encrypted.ciphertext());
        out.put("mac", encrypted.mac());
        return out;
    }

    /**
     * Decrypts a {@code session_data} object to the room key's JSON.
     *
     * @throws BackupException {@code MALFORMED} for missing fields or a plaintext that is not a JSON object,
     *     else as {@link PkEncryption#decrypt}
     */
    public ObjectNode decryptSessionData(JsonNode sessionData) {
        if (!(sessionData instanceof ObjectNode data)) {
            throw new BackupException(Problem.MALFORMED, "session_data is not an object");
        }
        PkEncryption.Encrypted encrypted = new PkEncryption.Encrypted(text(data, "ephemeral"),
                text(data, "ciphertext"), text(data, "mac"));
        byte[] plaintext = PkEncryption.decrypt(privateKey, encrypted);
        try {
            return CanonicalJson.parseObject(plaintext);
        } catch (InvalidJsonException e) {
            throw new BackupException(Problem.MALFORMED, "the decrypted session data is not a JSON object");
        } finally {
            Secrets.wipe(plaintext);
        }
    }

    /** The {@code auth_data} of a new backup version: the public key, signed by {@code userId}'s key. */
    public ObjectNode authData(String userId, SigningKey signer) {
        ObjectNode authData = JsonNodeFactory.instance.objectNode();
        authData.put("public_key", publicKey);
        return JsonSignatures.sign(authData, userId, signer);
    }

    /**
     * Checks a backup version's {@code auth_data}: its public key is ours and {@code userId} signed it with
     * {@code trusted} (our device key or our master key).
     *
     * @throws BackupException {@code BAD_AUTH_DATA}
     */
    public void verifyAuthData(JsonNode authData, String userId, VerifyKey trusted) {
        if (!(authData instanceof ObjectNode data) || !publicKey.equals(data.path("public_key").asText(null))) {
            throw new BackupException(Problem.BAD_AUTH_DATA, "auth_data.public_key is not this backup key");
        }
        try {
            JsonSignatures.verify(data, userId, trusted);
        } catch (SignatureException e) {
            throw new BackupException(Problem.BAD_AUTH_DATA, "auth_data is not signed by " + trusted.keyId()
                    + ": " + e.problem());
        }
    }

    private static String text(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new BackupException(Problem.MALFORMED, "session_data." + field + " is missing or not a string");
        }
        return value.textValue();
    }

    private static byte[] decodePublic(String base64) {
        byte[] key;
        try {
            key = Base64s.decode(base64);
        } catch (IllegalArgumentException e) {
            throw new BackupException(Problem.MALFORMED_BASE64, "the backup public key is not base64");
        }
        if (key.length != Curve25519.KEY_BYTES) {
            throw new BackupException(Problem.BAD_KEY, "the backup public key is " + key.length + " bytes, expected 32");
        }
        return key;
    }

    public void wipe() {
        Secrets.wipe(privateKey);
    }

    @Override
    public String toString() {
        return "BackupKey[" + publicKey + "]";
    }
}
