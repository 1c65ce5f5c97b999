package dev.starling.olm.megolm;

import dev.starling.olm.crypto.Secrets;
import dev.starling.olm.megolm.MegolmException.Problem;
import dev.starling.protocol.crypto.Base64s;
import dev.starling.protocol.crypto.KeyFormatException;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.KeyId;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The two serialisations of a Megolm session's ratchet, exactly as libolm and vodozemac write them:
 *
 * <ul>
 *   <li>the <b>session key</b> (version 2) sent in {@code m.room_key}:
 *       {@code 0x02 | index (4, big-endian) | R0..R3 (128) | Ed25519 public key (32) | signature (64)}, the
 *       signature by the session's own key over everything before it;</li>
 *   <li>the <b>exported session key</b> (version 1) used for {@code m.forwarded_room_key} and key backup:
 *       the same without the signature.</li>
 * </ul>
 */
public final class SessionKeys {
    /** Version byte of the signed session key. */
    public static final int SIGNED_VERSION = 2;
    /** Version byte of the exported session key. */
    public static final int EXPORTED_VERSION = 1;
    /** Bytes of an exported session key. */
    public static final int EXPORTED_BYTES = 1 + 4 + MegolmRatchet.BYTES + 32;
    /** Bytes of a signed session key. */
    public static final int SIGNED_BYTES = EXPORTED_BYTES + 64;

    private SessionKeys() {
    }

    /** A parsed session key: the ratchet at its index and the session's public signing key. */
    public record Parsed(MegolmRatchet ratchet, VerifyKey signingKey, boolean signed) {
        @Override
        public String toString() {
            return "SessionKey[" + signingKey.publicKeyBase64() + " at " + ratchet.index() + "]";
        }
    }

    /** The signed session key (v2) of {@code ratchet}, signed by {@code key}, in unpadded base64. */
    static String signed(MegolmRatchet ratchet, SigningKey key) {
        byte[] body = body(SIGNED_VERSION, ratchet, key.verifyKey(), 64);
        byte[] signature = key.sign(Arrays.copyOf(body, EXPORTED_BYTES));
        System.arraycopy(signature, 0, body, EXPORTED_BYTES, 64);
        try {
            return Base64s.encode(body);
        } finally {
            Secrets.wipe(body);
        }
    }

    /** The exported session key (v1) of {@code ratchet} in unpadded base64. */
    static String exported(MegolmRatchet ratchet, VerifyKey key) {
        byte[] body = body(EXPORTED_VERSION, ratchet, key, 0);
        try {
            return Base64s.encode(body);
        } finally {
            Secrets.wipe(body);
        }
    }

    private static byte[] body(int version, MegolmRatchet ratchet, VerifyKey key, int extra) {
        ByteBuffer out = ByteBuffer.allocate(EXPORTED_BYTES + extra);
        out.put((byte) version).putInt(ratchet.counter());
        byte[] data = ratchet.data();
        out.put(data).put(key.publicKey());
        Secrets.wipe(data);
        return out.array();
    }

    /**
     * Parses a signed session key (v2) and checks its signature.
     *
     * @throws MegolmException {@code MALFORMED_BASE64}, {@code BAD_VERSION}, {@code MALFORMED} (wrong length),
     *     {@code BAD_KEY} or {@code BAD_SIGNATURE}
     */
    public static Parsed parseSigned(String base64) {
        byte[] raw = decode(base64);
        try {
            requireVersion(raw, SIGNED_VERSION, SIGNED_BYTES, "session key");
            Parsed parsed = parseBody(raw, true);
            byte[] signature = Arrays.copyOfRange(raw, EXPORTED_BYTES, SIGNED_BYTES);
            if (!parsed.signingKey().verify(Arrays.copyOf(raw, EXPORTED_BYTES), signature)) {
                parsed.ratchet().wipe();
                throw new MegolmException(Problem.BAD_SIGNATURE, "the session key's signature does not verify");
            }
            return parsed;
        } finally {
            Secrets.wipe(raw);
        }
    }

    /**
     * Parses an exported session key (v1).
     *
     * @throws MegolmException {@code MALFORMED_BASE64}, {@code BAD_VERSION}, {@code MALFORMED} or {@code BAD_KEY}
     */
    public static Parsed parseExported(String base64) {
        byte[] raw = decode(base64);
        try {
            requireVersion(raw, EXPORTED_VERSION, EXPORTED_BYTES, "exported session key");
            return parseBody(raw, false);
        } finally {
            Secrets.wipe(raw);
        }
    }

    private static byte[] decode(String base64) {
        if (base64 == null) {
            throw new MegolmException(Problem.MALFORMED_BASE64, "no session key");
        }
        try {
            return Base64s.decode(base64);
        } catch (IllegalArgumentException e) {
            throw new MegolmException(Problem.MALFORMED_BASE64, "the session key is not base64");
        }
    }

    private static void requireVersion(byte[] raw, int version, int length, String what) {
        if (raw.length == 0) {
            throw new MegolmException(Problem.MALFORMED, "the " + what + " is empty");
        }
        if (raw[0] != version) {
            throw new MegolmException(Problem.BAD_VERSION, what + " version " + (raw[0] & 0xFF) + ", expected "
                    + version);
        }
        if (raw.length != length) {
            throw new MegolmException(Problem.MALFORMED, "the " + what + " is " + raw.length + " bytes, expected "
                    + length);
        }
    }

    private static Parsed parseBody(byte[] raw, boolean signed) {
        int counter = ByteBuffer.wrap(raw, 1, 4).getInt();
        byte[] publicKey = Arrays.copyOfRange(raw, 5 + MegolmRatchet.BYTES, EXPORTED_BYTES);
        VerifyKey key;
        try {
            key = VerifyKey.of(KeyId.ed25519(Base64s.encode(publicKey)), publicKey);
        } catch (KeyFormatException e) {
            throw new MegolmException(Problem.BAD_KEY, "the session's Ed25519 key is not a valid public key");
        }
        byte[] data = Arrays.copyOfRange(raw, 5, 5 + MegolmRatchet.BYTES);
        try {
            return new Parsed(MegolmRatchet.of(data, counter), key, signed);
        } finally {
            Secrets.wipe(data);
        }
    }
}
