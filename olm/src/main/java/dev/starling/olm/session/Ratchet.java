package dev.starling.olm.session;

import dev.starling.olm.crypto.AesSha2Keys;
import dev.starling.olm.crypto.CryptoException;
import dev.starling.olm.crypto.Curve25519;
import dev.starling.olm.crypto.Hkdf;
import dev.starling.olm.crypto.Hmac;
import dev.starling.olm.crypto.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** libolm's double-ratchet key derivations (ratchet.cpp). */
final class Ratchet {
    static final byte[] ROOT_INFO = "OLM_ROOT".getBytes(StandardCharsets.US_ASCII);
    static final byte[] RATCHET_INFO = "OLM_RATCHET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE_KEY_SEED = {0x01};
    private static final byte[] CHAIN_KEY_SEED = {0x02};

    private Ratchet() {
    }

    /** HKDF(salt empty, shared secret, "OLM_ROOT") → root key || chain key. */
    static byte[][] initial(byte[] sharedSecret) {
        return split(Hkdf.sha256(null, sharedSecret, ROOT_INFO, 64));
    }

    /** HKDF(salt root key, DH(ours, theirs), "OLM_RATCHET") → new root key || new chain key. */
    static byte[][] advanceRoot(byte[] rootKey, byte[] ourPrivate, byte[] theirPublic) {
        byte[] shared = agree(ourPrivate, theirPublic);
        try {
            return split(Hkdf.sha256(rootKey, shared, RATCHET_INFO, 64));
        } finally {
            Secrets.wipe(shared);
        }
    }

    static byte[] agree(byte[] ourPrivate, byte[] theirPublic) {
        try {
            return Curve25519.agree(ourPrivate, theirPublic);
        } catch (CryptoException e) {
            throw new OlmException(OlmException.Problem.NON_CONTRIBUTORY_KEY, "a key agreement was refused: "
                    + e.getMessage());
        }
    }

    static byte[] messageKey(byte[] chainKey) {
        return Hmac.sha256(chainKey, MESSAGE_KEY_SEED);
    }

    static byte[] nextChainKey(byte[] chainKey) {
        return Hmac.sha256(chainKey, CHAIN_KEY_SEED);
    }

    /** Encrypts and appends the truncated MAC over the whole encoded message. */
    static byte[] seal(byte[] messageKey, byte[] ratchetKey, long counter, byte[] plaintext) {
        AesSha2Keys keys = AesSha2Keys.derive(messageKey, AesSha2Keys.OLM_INFO);
        try {
            byte[] body = OlmMessage.encodeWithoutMac(ratchetKey, counter, keys.encrypt(plaintext));
            byte[] mac = keys.mac(body);
            byte[] out = Arrays.copyOf(body, body.length + OlmMessage.MAC_BYTES);
            System.arraycopy(mac, 0, out, body.length, OlmMessage.MAC_BYTES);
            return out;
        } finally {
            keys.wipe();
        }
    }

    /** Checks the MAC in constant time, then decrypts (SECURITY.md item 29). */
    static byte[] open(byte[] messageKey, OlmMessage message) {
        AesSha2Keys keys = AesSha2Keys.derive(messageKey, AesSha2Keys.OLM_INFO);
        try {
            byte[] expected = Arrays.copyOf(keys.mac(message.authenticated()), OlmMessage.MAC_BYTES);
            if (!Hmac.equal(expected, message.mac())) {
                throw new OlmException(OlmException.Problem.BAD_MAC, "the message's MAC does not match");
            }
            try {
                return keys.decrypt(message.ciphertext());
            } catch (CryptoException e) {
                throw new OlmException(OlmException.Problem.BAD_CIPHERTEXT, "the ciphertext does not decrypt");
            }
        } finally {
            keys.wipe();
        }
    }

    private static byte[][] split(byte[] derived) {
        try {
            return new byte[][] {Arrays.copyOfRange(derived, 0, 32), Arrays.copyOfRange(derived, 32, 64)};
        } finally {
            Secrets.wipe(derived);
        }
    }
}
