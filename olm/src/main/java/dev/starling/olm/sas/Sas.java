package dev.starling.olm.sas;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.crypto.CryptoException;
import dev.starling.olm.crypto.Curve25519;
import dev.starling.olm.crypto.Hkdf;
import dev.starling.olm.crypto.Hmac;
import dev.starling.olm.crypto.Secrets;
import dev.starling.olm.sas.SasException.Problem;
import dev.starling.protocol.crypto.Base64s;
import dev.starling.protocol.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;

/**
 * One side of an {@code m.sas.v1} verification (spec: "Short Authentication String (SAS) verification"):
 * key agreement {@code curve25519-hkdf-sha256}, SAS bytes by HKDF-SHA-256 (empty salt) with the info from
 * {@link SasInfo}, and the MACs {@code hkdf-hmac-sha256.v2} (and the deprecated {@code hkdf-hmac-sha256},
 * which reproduces libolm's broken base64, for old peers only). Byte-compatible with libolm's {@code OlmSAS}.
 * Not thread-safe; {@code toString()} shows the public key only.
 */
public final class Sas {
    /** The key agreement protocol. */
    public static final String KEY_AGREEMENT = "curve25519-hkdf-sha256";
    /** The MAC method to use. */
    public static final String MAC_V2 = "hkdf-hmac-sha256.v2";
    /** The deprecated MAC method with libolm's broken base64. */
    public static final String MAC_LEGACY = "hkdf-hmac-sha256";

    private final byte[] privateKey;
    private final String publicKey;
    private byte[] sharedSecret;

    private Sas(byte[] privateKey) {
        this.privateKey = privateKey;
        this.publicKey = Base64s.encode(Curve25519.publicKey(privateKey));
    }

    public static Sas create(SecureRandom random) {
        return new Sas(Curve25519.generatePrivateKey(random));
    }

    /** From a 32-byte private key (copied); for vectors and tests. */
    public static Sas fromPrivateKey(byte[] privateKey) {
        Secrets.requireLength(privateKey, Curve25519.KEY_BYTES, "a SAS private key");
        return new Sas(privateKey.clone());
    }

    /** Our ephemeral public key, unpadded base64, for {@code m.key.verification.key}. */
    public String publicKey() {
        return publicKey;
    }

    /**
     * The commitment for {@code m.key.verification.accept}: unpadded base64 of SHA-256 over our public key
     * (base64) followed by the canonical JSON of the {@code m.key.verification.start} content.
     */
    public static String commitment(String publicKeyBase64, ObjectNode startContent) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(publicKeyBase64.getBytes(StandardCharsets.UTF_8));
            sha.update(CanonicalJson.encode(startContent));
            return Base64s.encode(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    /**
     * Checks the accepter's commitment once its key arrives (the starter does this).
     *
     * @throws SasException {@code COMMITMENT_MISMATCH}
     */
    public static void checkCommitment(String commitment, String theirPublicKey, ObjectNode startContent) {
        byte[] expected = commitment(theirPublicKey, startContent).getBytes(StandardCharsets.US_ASCII);
        if (commitment == null || !Hmac.equal(expected, commitment.getBytes(StandardCharsets.US_ASCII))) {
            throw new SasException(Problem.COMMITMENT_MISMATCH, "the commitment does not match the other side's key");
        }
    }

    /**
     * Sets the other side's public key and agrees on the shared secret.
     *
     * @throws SasException {@code BAD_KEY} for a key that is not 32 bytes or gives an all-zero secret;
     *     {@code WRONG_STATE} when already set
     */
    public void setTheirKey(String theirPublicKeyBase64) {
        if (sharedSecret != null) {
            throw new SasException(Problem.WRONG_STATE, "the other side's key is already set");
        }
        byte[] theirs;
        try {
            theirs = Base64s.decode(theirPublicKeyBase64);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SasException(Problem.BAD_KEY, "the other side's key is not base64");
        }
        if (theirs.length != Curve25519.KEY_BYTES) {
            throw new SasException(Problem.BAD_KEY, "the other side's key is " + theirs.length + " bytes, expected 32");
        }
        try {
            sharedSecret = Curve25519.agree(privateKey, theirs);
        } catch (CryptoException e) {
            throw new SasException(Problem.BAD_KEY, "the key agreement is non-contributory");
        }
    }

    /** {@code length} SAS bytes for {@code info} (see {@link SasInfo#sas}). */
    public byte[] generateBytes(String info, int length) {
        return Hkdf.sha256(null, secret(), info.getBytes(StandardCharsets.UTF_8), length);
    }

    /** The 7 emoji of the SAS for {@code info}. */
    public List<SasEmoji.Emoji> emoji(String info) {
        return SasEmoji.fromBytes(generateBytes(info, 6));
    }

    /** The 3 four-digit numbers (1000..9191) of the SAS for {@code info}. */
    public int[] decimals(String info) {
        return SasEmoji.decimals(generateBytes(info, 5));
    }

    /** {@code hkdf-hmac-sha256.v2}: unpadded base64 of HMAC-SHA-256 of {@code input} under HKDF(secret, info). */
    public String mac(String input, String info) {
        return Base64s.encode(rawMac(input, info));
    }

    /**
     * The deprecated {@code hkdf-hmac-sha256}: the same HMAC encoded by libolm's in-place base64, which reads
     * bytes it has already overwritten. Only to talk to old peers; never offer it.
     */
    public String legacyMac(String input, String info) {
        return LegacyBase64.encodeInPlace(rawMac(input, info));
    }

    private byte[] rawMac(String input, String info) {
        byte[] key = Hkdf.sha256(null, secret(), info.getBytes(StandardCharsets.UTF_8), 32);
        try {
            return Hmac.sha256(key, input.getBytes(StandardCharsets.UTF_8));
        } finally {
            Secrets.wipe(key);
        }
    }

    private byte[] secret() {
        if (sharedSecret == null) {
            throw new SasException(Problem.WRONG_STATE, "the other side's key is not set");
        }
        return sharedSecret;
    }

    public void wipe() {
        Secrets.wipe(privateKey, sharedSecret);
    }

    @Override
    public String toString() {
        return "Sas[" + publicKey + "]";
    }
}
