package dev.starling.olm.megolm;

import dev.starling.olm.crypto.AesSha2Keys;
import dev.starling.olm.crypto.Secrets;
import dev.starling.protocol.crypto.Base64s;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Our side of a Megolm session ({@code m.megolm.v1.aes-sha2}): a ratchet and an Ed25519 key whose public
 * half is the session ID. Each {@link #encrypt} uses the ratchet's current index and then advances it.
 * Not thread-safe; {@code toString()} shows the session ID and index only.
 */
public final class OutboundGroupSession {
    /** Bytes of the random input: the ratchet (128) then the Ed25519 seed (32), as libolm takes it. */
    public static final int RANDOM_BYTES = MegolmRatchet.BYTES + SigningKey.SEED_BYTES;

    private static final int STATE_VERSION = 1;
    private static final int STATE_BYTES = 2 + 4 + MegolmRatchet.BYTES + SigningKey.SEED_BYTES;
    private static final int STATE_MAGIC = 'O';

    private final MegolmRatchet ratchet;
    private final byte[] seed;
    private final SigningKey signingKey;
    private final String sessionId;

    private OutboundGroupSession(MegolmRatchet ratchet, byte[] seed) {
        this.ratchet = ratchet;
        this.seed = seed;
        // The key ID is nominal: Megolm signatures are raw Ed25519, never JSON signatures.
        this.signingKey = SigningKey.fromSeed(KeyId.ed25519("megolm"), seed);
        this.sessionId = signingKey.verifyKey().publicKeyBase64();
    }

    /** A new session from the platform's strong random source. */
    public static OutboundGroupSession create() {
        return create(new SecureRandom());
    }

    public static OutboundGroupSession create(SecureRandom random) {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        try {
            return fromRandom(bytes);
        } finally {
            Secrets.wipe(bytes);
        }
    }

    /** A session from exactly {@link #RANDOM_BYTES} bytes (ratchet then seed), at index 0; for tests and vectors. */
    public static OutboundGroupSession fromRandom(byte[] random) {
        return fromParts(random, 0);
    }

    private static OutboundGroupSession fromParts(byte[] ratchetAndSeed, int counter) {
        Secrets.requireLength(ratchetAndSeed, RANDOM_BYTES, "the Megolm session's random input");
        byte[] data = Arrays.copyOf(ratchetAndSeed, MegolmRatchet.BYTES);
        byte[] seed = Arrays.copyOfRange(ratchetAndSeed, MegolmRatchet.BYTES, RANDOM_BYTES);
        try {
            return new OutboundGroupSession(MegolmRatchet.of(data, counter), seed);
        } finally {
            Secrets.wipe(data);
        }
    }

    /** The session ID: the unpadded base64 Ed25519 public key. */
    public String sessionId() {
        return sessionId;
    }

    /** The index the next message will have (unsigned 32-bit). */
    public long messageIndex() {
        return ratchet.index();
    }

    /** The signed session key (v2) at the current index, for {@code m.room_key}. Secret: send only over Olm. */
    public String sessionKey() {
        return SessionKeys.signed(ratchet, signingKey);
    }

    /** Encrypts {@code plaintext} at the current index and advances; returns the message in unpadded base64. */
    public String encrypt(byte[] plaintext) {
        byte[] keyMaterial = ratchet.data();
        AesSha2Keys keys = AesSha2Keys.derive(keyMaterial, AesSha2Keys.MEGOLM_INFO);
        Secrets.wipe(keyMaterial);
        try {
            byte[] ciphertext = keys.encrypt(plaintext);
            byte[] body = MegolmMessage.encodeBody(ratchet.counter(), ciphertext);
            byte[] mac = keys.mac(body);
            byte[] message = Arrays.copyOf(body, body.length + MegolmMessage.MAC_BYTES + MegolmMessage.SIGNATURE_BYTES);
            System.arraycopy(mac, 0, message, body.length, MegolmMessage.MAC_BYTES);
            byte[] signature = signingKey.sign(Arrays.copyOf(message, body.length + MegolmMessage.MAC_BYTES));
            System.arraycopy(signature, 0, message, body.length + MegolmMessage.MAC_BYTES, signature.length);
            ratchet.advance();
            return Base64s.encode(message);
        } finally {
            keys.wipe();
        }
    }

    /** An inbound session for our own messages, from the current index on (as a sender keeps one). */
    public InboundGroupSession toInbound() {
        return InboundGroupSession.fromSessionKey(sessionKey());
    }

    /**
     * The versioned state ({@code 'O' | version 1 | index (4) | ratchet (128) | Ed25519 seed (32)}), to be
     * sealed by the caller's encrypted store. Secret: the caller wipes it.
     */
    public byte[] toBytes() {
        byte[] out = new byte[STATE_BYTES];
        out[0] = STATE_MAGIC;
        out[1] = STATE_VERSION;
        int c = ratchet.counter();
        out[2] = (byte) (c >>> 24);
        out[3] = (byte) (c >>> 16);
        out[4] = (byte) (c >>> 8);
        out[5] = (byte) c;
        byte[] data = ratchet.data();
        System.arraycopy(data, 0, out, 6, data.length);
        Secrets.wipe(data);
        System.arraycopy(seed, 0, out, 6 + MegolmRatchet.BYTES, seed.length);
        return out;
    }

    /**
     * Restores a session written by {@link #toBytes()}.
     *
     * @throws MegolmException {@code BAD_STATE} for another version, kind or length
     */
    public static OutboundGroupSession fromBytes(byte[] state) {
        if (state == null || state.length != STATE_BYTES || state[0] != STATE_MAGIC || state[1] != STATE_VERSION) {
            throw new MegolmException(MegolmException.Problem.BAD_STATE,
                    "not a version " + STATE_VERSION + " outbound Megolm session state");
        }
        int counter = (state[2] & 0xFF) << 24 | (state[3] & 0xFF) << 16 | (state[4] & 0xFF) << 8 | (state[5] & 0xFF);
        byte[] rest = Arrays.copyOfRange(state, 6, STATE_BYTES);
        try {
            return fromParts(rest, counter);
        } finally {
            Secrets.wipe(rest);
        }
    }

    /** Overwrites the ratchet and seed held here; the session is unusable afterwards. */
    public void wipe() {
        ratchet.wipe();
        Secrets.wipe(seed);
    }

    @Override
    public String toString() {
        return "OutboundGroupSession[" + sessionId + " at " + messageIndex() + "]";
    }
}
