package dev.starling.olm.account;

import dev.starling.protocol.crypto.Base64s;

/**
 * The public face of a one-time or fallback key: its numeric ID (libolm's counter), its key ID as published
 * ({@code AAAAAQ}: unpadded base64 of the big-endian 32-bit counter) and its public key.
 */
public record OneTimeKey(long id, String keyId, String publicKey, boolean published) {
    /** The key ID libolm derives from a counter: base64 of the counter as 4 big-endian bytes. */
    public static String keyIdOf(long id) {
        return Base64s.encode(new byte[] {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
    }
}
