package dev.starling.olm.megolm;

import dev.starling.olm.crypto.AesSha2Keys;
import dev.starling.olm.crypto.CryptoException;
import dev.starling.olm.crypto.Hmac;
import dev.starling.olm.crypto.Secrets;
import dev.starling.olm.megolm.MegolmException.Problem;
import dev.starling.protocol.crypto.Base64s;
import dev.starling.protocol.crypto.KeyFormatException;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.KeyId;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A receiver's side of a Megolm session: the ratchet at the first index we can decrypt and the furthest
 * ratchet reached so far (so that messages in order cost one step each, and older ones are derived from the
 * first), and the session's public Ed25519 key. Decryption checks, in order: the format, the Ed25519
 * signature, the index, the MAC (constant time), and only then decrypts (SECURITY.md item 29). A failed
 * decryption changes nothing. Replay detection is by index at the event level ({@link Decrypted#index()}).
 * Not thread-safe.
 */
public final class InboundGroupSession {
    private static final int STATE_VERSION = 1;
    private static final int STATE_MAGIC = 'I';
    private static final int STATE_BYTES = 2 + 2 * (4 + MegolmRatchet.BYTES) + 32 + 1;

    private final MegolmRatchet initial;
    private MegolmRatchet latest;
    private final VerifyKey signingKey;
    private final String sessionId;
    private boolean verified;

    private InboundGroupSession(MegolmRatchet initial, MegolmRatchet latest, VerifyKey signingKey, boolean verified) {
        this.initial = initial;
        this.latest = latest;
        this.signingKey = signingKey;
        this.sessionId = signingKey.publicKeyBase64();
        this.verified = verified;
    }

    /** A decrypted message: its plaintext (the caller wipes it) and its index. */
    public record Decrypted(byte[] plaintext, long index) {
        @Override
        public String toString() {
            return "Decrypted[index " + index + "]";
        }
    }

    /**
     * A session from a signed session key (v2), as received in {@code m.room_key}.
     *
     * @throws MegolmException when the key is malformed or its signature does not verify
     */
    public static InboundGroupSession fromSessionKey(String signedSessionKey) {
        SessionKeys.Parsed parsed = SessionKeys.parseSigned(signedSessionKey);
        return new InboundGroupSession(parsed.ratchet(), parsed.ratchet().copy(), parsed.signingKey(), true);
    }

    /**
     * A session from an exported session key (v1), as received in {@code m.forwarded_room_key} or a backup.
     * It is unverified until a message signed by the session's key decrypts.
     */
    public static InboundGroupSession importExported(String exportedSessionKey) {
        SessionKeys.Parsed parsed = SessionKeys.parseExported(exportedSessionKey);
        return new InboundGroupSession(parsed.ratchet(), parsed.ratchet().copy(), parsed.signingKey(), false);
    }

    /** The session ID: the unpadded base64 Ed25519 public key. */
    public String sessionId() {
        return sessionId;
    }

    /** The session's public Ed25519 key (its ID as a key). */
    VerifyKey signingKeyForTests() {
        return signingKey;
    }

    /** The first index this session can decrypt. */
    public long firstKnownIndex() {
        return initial.index();
    }

    /**
     * Whether the session's key is known to be the creator's: it came signed (v2), or a message signed by it
     * has decrypted since an import.
     */
    public boolean isVerified() {
        return verified;
    }

    /**
     * Decrypts a base64 Megolm message.
     *
     * @throws MegolmException {@code MALFORMED_BASE64}, {@code BAD_VERSION}, {@code MALFORMED},
     *     {@code BAD_SIGNATURE}, {@code UNKNOWN_MESSAGE_INDEX}, {@code BAD_MAC} or {@code BAD_CIPHERTEXT}
     */
    public Decrypted decrypt(String base64Message) {
        byte[] raw;
        try {
            raw = Base64s.decode(base64Message);
        } catch (IllegalArgumentException e) {
            throw new MegolmException(Problem.MALFORMED_BASE64, "the Megolm message is not base64");
        }
        return decrypt(MegolmMessage.parse(raw));
    }

    /** Decrypts a parsed message; see {@link #decrypt(String)}. */
    public Decrypted decrypt(MegolmMessage message) {
        if (!signingKey.verify(message.signatureCovered(), message.signature())) {
            throw new MegolmException(Problem.BAD_SIGNATURE, "the message's signature does not verify for session "
                    + sessionId);
        }
        int index = message.index();
        MegolmRatchet ratchet = ratchetFor(index);
        if (ratchet == null) {
            throw new MegolmException(Problem.UNKNOWN_MESSAGE_INDEX, "index " + Integer.toUnsignedString(index)
                    + " is before the first known index " + firstKnownIndex() + " of session " + sessionId);
        }
        byte[] keyMaterial = ratchet.data();
        AesSha2Keys keys = AesSha2Keys.derive(keyMaterial, AesSha2Keys.MEGOLM_INFO);
        Secrets.wipe(keyMaterial);
        try {
            byte[] fullMac = keys.mac(message.macCovered());
            byte[] expected = Arrays.copyOf(fullMac, MegolmMessage.MAC_BYTES);
            if (!Hmac.equal(expected, message.mac())) {
                ratchet.wipe();
                throw new MegolmException(Problem.BAD_MAC, "the message's MAC does not match in session " + sessionId);
            }
            byte[] plaintext;
            try {
                plaintext = keys.decrypt(message.ciphertext());
            } catch (CryptoException e) {
                ratchet.wipe();
                throw new MegolmException(Problem.BAD_CIPHERTEXT, "the ciphertext does not decrypt in session "
                        + sessionId);
            }
            // Only a message that passed every check moves the latest ratchet forward.
            if (isAtOrAfter(index, latest.counter())) {
                latest.wipe();
                latest = ratchet;
            } else {
                ratchet.wipe();
            }
            verified = true;
            return new Decrypted(plaintext, Integer.toUnsignedLong(index));
        } finally {
            keys.wipe();
        }
    }

    /** A fresh ratchet advanced to {@code index}, or null when the index is before the first known one. */
    private MegolmRatchet ratchetFor(int index) {
        MegolmRatchet start;
        if (isAtOrAfter(index, latest.counter())) {
            start = latest;
        } else if (!isAtOrAfter(index, initial.counter())) {
            return null;
        } else {
            start = initial;
        }
        MegolmRatchet copy = start.copy();
        copy.advanceTo(index);
        return copy;
    }

    /** libolm's modular comparison: {@code index} is at or after {@code from} when less than 2^31 ahead. */
    private static boolean isAtOrAfter(int index, int from) {
        return Integer.toUnsignedLong(index - from) < (1L << 31);
    }

    /**
     * The exported session key (v1) at {@code index}, for forwarding or backup. Secret.
     *
     * @throws MegolmException {@code UNKNOWN_MESSAGE_INDEX} when the index is before the first known one
     */
    public String export(long index) {
        if (index < 0 || index > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("a Megolm index is an unsigned 32-bit number");
        }
        MegolmRatchet ratchet = ratchetFor((int) index);
        if (ratchet == null) {
            throw new MegolmException(Problem.UNKNOWN_MESSAGE_INDEX, "index " + index
                    + " is before the first known index " + firstKnownIndex() + " of session " + sessionId);
        }
        try {
            return SessionKeys.exported(ratchet, signingKey);
        } finally {
            ratchet.wipe();
        }
    }

    /** The exported session key (v1) at the first known index. */
    public String exportAtFirstKnownIndex() {
        return export(firstKnownIndex());
    }

    /**
     * The versioned state ({@code 'I' | 1 | initial index, ratchet | latest index, ratchet | Ed25519 key |
     * verified}), to be sealed by the caller's encrypted store. Secret: the caller wipes it.
     */
    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(STATE_BYTES);
        out.put((byte) STATE_MAGIC).put((byte) STATE_VERSION);
        for (MegolmRatchet r : new MegolmRatchet[] {initial, latest}) {
            byte[] data = r.data();
            out.putInt(r.counter()).put(data);
            Secrets.wipe(data);
        }
        out.put(signingKey.publicKey()).put((byte) (verified ? 1 : 0));
        return out.array();
    }

    /**
     * Restores a session written by {@link #toBytes()}.
     *
     * @throws MegolmException {@code BAD_STATE} for another version, kind, length or a bad key
     */
    public static InboundGroupSession fromBytes(byte[] state) {
        if (state == null || state.length != STATE_BYTES || state[0] != STATE_MAGIC || state[1] != STATE_VERSION
                || (state[STATE_BYTES - 1] & 0xFE) != 0) {
            throw new MegolmException(Problem.BAD_STATE, "not a version " + STATE_VERSION
                    + " inbound Megolm session state");
        }
        ByteBuffer in = ByteBuffer.wrap(state, 2, STATE_BYTES - 2);
        MegolmRatchet[] ratchets = new MegolmRatchet[2];
        byte[] data = new byte[MegolmRatchet.BYTES];
        for (int i = 0; i < 2; i++) {
            int counter = in.getInt();
            in.get(data);
            ratchets[i] = MegolmRatchet.of(data, counter);
        }
        Secrets.wipe(data);
        byte[] key = new byte[32];
        in.get(key);
        VerifyKey verifyKey;
        try {
            verifyKey = VerifyKey.of(KeyId.ed25519(Base64s.encode(key)), key);
        } catch (KeyFormatException e) {
            throw new MegolmException(Problem.BAD_STATE, "the stored session key is not a valid Ed25519 key");
        }
        return new InboundGroupSession(ratchets[0], ratchets[1], verifyKey, in.get() == 1);
    }

    /** Overwrites both ratchets; the session is unusable afterwards. */
    public void wipe() {
        initial.wipe();
        latest.wipe();
    }

    @Override
    public String toString() {
        return "InboundGroupSession[" + sessionId + " from " + firstKnownIndex() + "]";
    }
}
