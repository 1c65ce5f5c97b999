package dev.starling.olm.pickle;

import dev.starling.olm.account.Account;
import dev.starling.olm.account.AccountException;
import dev.starling.olm.crypto.Hkdf;
import dev.starling.olm.crypto.Hmac;
import dev.starling.olm.crypto.Secrets;
import dev.starling.olm.session.OlmException;
import dev.starling.olm.session.Session;
import dev.starling.protocol.crypto.Base64s;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Starling's own encrypted, versioned container for E2EE state (not libolm's pickle format). Version 1:
 *
 * <pre>
 * 0x01 || kind length (1) || kind (ASCII, 1..64) || key check (8) || nonce (12) || AES-256-GCM(state) with tag (16)
 * </pre>
 *
 * The caller's 32-byte key is never used directly: HKDF-SHA-256 derives the AES key (info
 * {@code STARLING_PICKLE_V1_AES}) and a key-check key ({@code STARLING_PICKLE_V1_CHECK}); the key check is the
 * first 8 bytes of HMAC over the kind, so that a wrong key is told apart from a changed pickle. The whole header is
 * the GCM associated data: changing the kind or the version is detected too. Any state can be sealed: accounts
 * ({@link #KIND_ACCOUNT}), Olm sessions ({@link #KIND_SESSION}), and other modules' byte serialisations under a
 * kind of their own.
 */
public final class Pickle {
    /** The only version written and read. */
    public static final int VERSION = 1;
    /** Bytes of the caller's key. */
    public static final int KEY_BYTES = 32;
    /** The kind of a sealed {@link Account}. */
    public static final String KIND_ACCOUNT = "olm.account";
    /** The kind of a sealed {@link Session}. */
    public static final String KIND_SESSION = "olm.session";

    private static final int MAX_KIND = 64;
    private static final int CHECK_BYTES = 8;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final byte[] AES_INFO = "STARLING_PICKLE_V1_AES".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHECK_INFO = "STARLING_PICKLE_V1_CHECK".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Pickle() {
    }

    /** Seals {@code state} of the given kind under {@code key} (32 bytes). The caller wipes {@code state}. */
    public static byte[] seal(byte[] key, String kind, byte[] state) {
        byte[] kindBytes = kindBytes(kind);
        requireKey(key);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] header = new byte[2 + kindBytes.length + CHECK_BYTES + NONCE_BYTES];
        header[0] = VERSION;
        header[1] = (byte) kindBytes.length;
        System.arraycopy(kindBytes, 0, header, 2, kindBytes.length);
        byte[] check = keyCheck(key, kindBytes);
        System.arraycopy(check, 0, header, 2 + kindBytes.length, CHECK_BYTES);
        System.arraycopy(nonce, 0, header, 2 + kindBytes.length + CHECK_BYTES, NONCE_BYTES);
        byte[] sealed = gcm(Cipher.ENCRYPT_MODE, key, nonce, header, state);
        byte[] out = Arrays.copyOf(header, header.length + sealed.length);
        System.arraycopy(sealed, 0, out, header.length, sealed.length);
        return out;
    }

    /**
     * Opens a pickle of the given kind.
     *
     * @throws PickleException {@code TRUNCATED}, {@code UNSUPPORTED_VERSION}, {@code WRONG_KIND}, {@code WRONG_KEY}
     *     or {@code TAMPERED}
     */
    public static byte[] open(byte[] key, String kind, byte[] pickle) {
        byte[] kindBytes = kindBytes(kind);
        requireKey(key);
        if (pickle == null || pickle.length < 2) {
            throw new PickleException(PickleException.Problem.TRUNCATED, "the pickle is shorter than its header");
        }
        if ((pickle[0] & 0xFF) != VERSION) {
            throw new PickleException(PickleException.Problem.UNSUPPORTED_VERSION,
                    "pickle version " + (pickle[0] & 0xFF) + ", only " + VERSION + " is read");
        }
        int kindLength = pickle[1] & 0xFF;
        int headerLength = 2 + kindLength + CHECK_BYTES + NONCE_BYTES;
        if (pickle.length < headerLength + TAG_BYTES) {
            throw new PickleException(PickleException.Problem.TRUNCATED, "the pickle is shorter than its header and tag");
        }
        if (!Arrays.equals(pickle, 2, 2 + kindLength, kindBytes, 0, kindBytes.length)) {
            throw new PickleException(PickleException.Problem.WRONG_KIND, "the pickle does not hold " + kind);
        }
        byte[] check = keyCheck(key, kindBytes);
        if (!Hmac.equal(check, Arrays.copyOfRange(pickle, 2 + kindLength, 2 + kindLength + CHECK_BYTES))) {
            throw new PickleException(PickleException.Problem.WRONG_KEY, "the pickle was sealed with another key");
        }
        byte[] header = Arrays.copyOf(pickle, headerLength);
        byte[] nonce = Arrays.copyOfRange(pickle, headerLength - NONCE_BYTES, headerLength);
        return gcm(Cipher.DECRYPT_MODE, key, nonce, header, Arrays.copyOfRange(pickle, headerLength, pickle.length));
    }

    /** {@link #seal} as unpadded base64. */
    public static String sealToString(byte[] key, String kind, byte[] state) {
        return Base64s.encode(seal(key, kind, state));
    }

    /** {@link #open} from unpadded base64. */
    public static byte[] openFromString(byte[] key, String kind, String pickle) {
        byte[] bytes;
        try {
            bytes = Base64s.decode(pickle);
        } catch (IllegalArgumentException e) {
            throw new PickleException(PickleException.Problem.MALFORMED_BASE64, "the pickle is not unpadded base64");
        }
        return open(key, kind, bytes);
    }

    /** Seals an account. */
    public static byte[] sealAccount(byte[] key, Account account) {
        byte[] state = account.serialize();
        try {
            return seal(key, KIND_ACCOUNT, state);
        } finally {
            Secrets.wipe(state);
        }
    }

    /** Opens an account sealed by {@link #sealAccount}. */
    public static Account openAccount(byte[] key, byte[] pickle) {
        byte[] state = open(key, KIND_ACCOUNT, pickle);
        try {
            return Account.deserialize(state);
        } catch (AccountException e) {
            throw new PickleException(PickleException.Problem.MALFORMED_STATE, "the account state is malformed");
        } finally {
            Secrets.wipe(state);
        }
    }

    /** Seals an Olm session. */
    public static byte[] sealSession(byte[] key, Session session) {
        byte[] state = session.serialize();
        try {
            return seal(key, KIND_SESSION, state);
        } finally {
            Secrets.wipe(state);
        }
    }

    /** Opens an Olm session sealed by {@link #sealSession}. */
    public static Session openSession(byte[] key, byte[] pickle) {
        byte[] state = open(key, KIND_SESSION, pickle);
        try {
            return Session.deserialize(state);
        } catch (OlmException e) {
            throw new PickleException(PickleException.Problem.MALFORMED_STATE, "the session state is malformed");
        } finally {
            Secrets.wipe(state);
        }
    }

    private static byte[] keyCheck(byte[] key, byte[] kindBytes) {
        byte[] checkKey = Hkdf.sha256(null, key, CHECK_INFO, 32);
        try {
            return Arrays.copyOf(Hmac.sha256(checkKey, kindBytes), CHECK_BYTES);
        } finally {
            Secrets.wipe(checkKey);
        }
    }

    private static byte[] gcm(int mode, byte[] key, byte[] nonce, byte[] header, byte[] input) {
        byte[] aesKey = Hkdf.sha256(null, key, AES_INFO, 32);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(header);
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new PickleException(PickleException.Problem.TAMPERED, "the pickle was changed after sealing");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is missing from the JDK", e);
        } finally {
            Secrets.wipe(aesKey);
        }
    }

    private static void requireKey(byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new PickleException(PickleException.Problem.WRONG_KEY_LENGTH,
                    "a pickle key must be " + KEY_BYTES + " bytes, got " + (key == null ? "none" : key.length));
        }
    }

    private static byte[] kindBytes(String kind) {
        if (kind == null || kind.isEmpty() || kind.length() > MAX_KIND
                || !kind.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new PickleException(PickleException.Problem.INVALID_KIND,
                    "a kind is 1.." + MAX_KIND + " printable ASCII characters");
        }
        return kind.getBytes(StandardCharsets.US_ASCII);
    }
}
