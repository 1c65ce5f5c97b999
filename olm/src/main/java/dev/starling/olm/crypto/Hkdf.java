package dev.starling.olm.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF with SHA-256 (RFC 5869). */
public final class Hkdf {
    private Hkdf() {
    }

    /**
     * Derives {@code length} bytes.
     *
     * @param salt the salt; null or empty means the RFC's default (32 zero bytes), as libolm passes it
     */
    public static byte[] sha256(byte[] salt, byte[] inputKey, byte[] info, int length) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(new HKDFParameters(inputKey, salt == null || salt.length == 0 ? null : salt, info));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }
}
