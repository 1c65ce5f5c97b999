package dev.starling.olm.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA-256 and constant-time comparison of MACs (SECURITY.md item 29). */
public final class Hmac {
    /** Bytes of a full HMAC-SHA-256. */
    public static final int BYTES = 32;

    private Hmac() {
    }

    /** HMAC-SHA-256 of the concatenation of {@code parts} under {@code key}. */
    public static byte[] sha256(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // An empty key is legal for HMAC but SecretKeySpec refuses it; HMAC pads the key with zeros anyway.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from the JDK", e);
        }
    }

    /** Whether two MACs are equal, in time independent of where they differ. */
    public static boolean equal(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }
}
