package dev.starling.olm.crypto;

import java.util.Arrays;

/** Wiping secret bytes once they are no longer needed (SECURITY.md item 30). */
public final class Secrets {
    private Secrets() {
    }

    /** Overwrites every given array with zeros; null arrays are skipped. */
    public static void wipe(byte[]... secrets) {
        for (byte[] secret : secrets) {
            if (secret != null) {
                Arrays.fill(secret, (byte) 0);
            }
        }
    }

    /** Throws when {@code bytes} is not exactly {@code expected} long; {@code what} names the input. */
    public static void requireLength(byte[] bytes, int expected, String what) {
        if (bytes == null || bytes.length != expected) {
            throw new CryptoException(what + " must be " + expected + " bytes, got "
                    + (bytes == null ? "none" : bytes.length));
        }
    }
}
