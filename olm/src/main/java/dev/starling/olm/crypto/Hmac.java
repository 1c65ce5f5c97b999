package dev.starling.olm.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256 and constant-time comparison of MACs (SECURITY.md item 29).
 *
 * <p>One JDK {@link Mac} per thread is kept and re-keyed per call: looking the algorithm up in the providers on
 * every call cost more than the HMAC itself (see BENCHMARKS.md, "E2EE (olm module) vs libolm"). After each
 * call the cached instance is re-keyed with a fixed dummy key, so it does not keep the caller's key (item 30).
 */
public final class Hmac {
    /** Bytes of a full HMAC-SHA-256. */
    public static final int BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final SecretKeySpec DUMMY_KEY = new SecretKeySpec(new byte[1], ALGORITHM);
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from the JDK", e);
        }
    });

    private Hmac() {
    }

    /** HMAC-SHA-256 of the concatenation of {@code parts} under {@code key}. */
    public static byte[] sha256(byte[] key, byte[]... parts) {
        Mac mac = MAC.get();
        try {
            // An empty key is legal for HMAC but SecretKeySpec refuses it; HMAC pads the key with zeros anyway.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, ALGORITHM));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 refused a key", e);
        } finally {
            forget(mac);
        }
    }

    private static void forget(Mac mac) {
        try {
            mac.init(DUMMY_KEY);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 refused a key", e);
        }
    }

    /** Whether two MACs are equal, in time independent of where they differ. */
    public static boolean equal(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }
}
