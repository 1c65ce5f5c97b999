package dev.starling.olm.crypto;

/** HKDF with SHA-256 (RFC 5869), over {@link Hmac} (the JDK's HMAC, with its SHA-256 intrinsics). */
public final class Hkdf {
    private static final int MAX_LENGTH = 255 * Hmac.BYTES;

    private Hkdf() {
    }

    /**
     * HKDF-SHA-256 of {@code inputKey} with {@code salt} (null or empty means HashLen zero bytes, which HMAC
     * treats exactly as an empty key) and {@code info}, {@code length} bytes long.
     */
    public static byte[] sha256(byte[] salt, byte[] inputKey, byte[] info, int length) {
        if (length < 0 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("HKDF-SHA-256 gives 0 to " + MAX_LENGTH + " bytes");
        }
        byte[] prk = Hmac.sha256(salt == null ? new byte[0] : salt, inputKey);
        byte[] out = new byte[length];
        byte[] block = new byte[0];
        byte[] counter = new byte[1];
        try {
            for (int offset = 0, i = 1; offset < length; offset += Hmac.BYTES, i++) {
                counter[0] = (byte) i;
                byte[] next = Hmac.sha256(prk, block, info, counter);
                Secrets.wipe(block);
                block = next;
                System.arraycopy(block, 0, out, offset, Math.min(Hmac.BYTES, length - offset));
            }
            return out;
        } finally {
            Secrets.wipe(prk, block);
        }
    }
}
