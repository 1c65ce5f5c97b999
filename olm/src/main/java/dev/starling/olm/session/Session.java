package dev.starling.olm.session;

import dev.starling.olm.account.Account;
import dev.starling.olm.account.AccountException;
import dev.starling.olm.crypto.Curve25519;
import dev.starling.olm.crypto.Secrets;
import dev.starling.protocol.crypto.Base64s;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An Olm session ({@code m.olm.v1.curve25519-aes-sha2}), byte-compatible with libolm's {@code OlmSession}: the
 * triple Diffie-Hellman start, the double ratchet, and libolm's limits ({@link #MAX_MESSAGE_GAP} message keys
 * derived ahead at most, {@link #MAX_RECEIVER_CHAINS} receiver chains and {@link #MAX_SKIPPED_KEYS} skipped
 * message keys kept, the oldest dropped).
 *
 * <p>Decryption changes no state unless the message's MAC matched and it decrypted. Not thread-safe.
 * {@code toString()} shows only the session ID.
 */
public final class Session {
    /** How far ahead of a chain a message's counter may be (libolm and vodozemac: 2000). */
    public static final int MAX_MESSAGE_GAP = 2000;
    /** Receiver chains kept (libolm and vodozemac: 5). */
    public static final int MAX_RECEIVER_CHAINS = 5;
    /** Skipped message keys kept (libolm and vodozemac: 40). */
    public static final int MAX_SKIPPED_KEYS = 40;
    /** Random bytes an outbound session consumes: base key private (32) || first ratchet key private (32). */
    public static final int OUTBOUND_RANDOM_BYTES = 64;

    final byte[] aliceIdentityKey;
    final byte[] aliceBaseKey;
    final byte[] bobOneTimeKey;
    /** The other side's identity key (ours is {@code aliceIdentityKey} when outbound); not part of libolm's state. */
    final byte[] peerIdentityKey;
    boolean receivedMessage;
    byte[] rootKey;
    SenderChain sender;
    /** Newest first. */
    final List<ReceiverChain> receivers = new ArrayList<>();
    /** Newest first. */
    final List<SkippedKey> skipped = new ArrayList<>();

    Session(byte[] aliceIdentityKey, byte[] aliceBaseKey, byte[] bobOneTimeKey, byte[] peerIdentityKey) {
        this.aliceIdentityKey = aliceIdentityKey;
        this.aliceBaseKey = aliceBaseKey;
        this.bobOneTimeKey = bobOneTimeKey;
        this.peerIdentityKey = peerIdentityKey;
    }

    // ---- creation

    /**
     * An outbound session to a device with identity key {@code theirIdentityKey} from its claimed one-time (or
     * fallback) key, with 64 random bytes: base key private (32) || first ratchet key private (32).
     */
    public static Session createOutbound(Account account, String theirIdentityKey, String theirOneTimeKey,
            byte[] random) {
        byte[] identityKey = Wire.decodeKey(theirIdentityKey, "their identity key");
        byte[] oneTimeKey = Wire.decodeKey(theirOneTimeKey, "their one-time key");
        if (random == null || random.length != OUTBOUND_RANDOM_BYTES) {
            throw new OlmException(OlmException.Problem.WRONG_RANDOM_LENGTH,
                    "an outbound session takes " + OUTBOUND_RANDOM_BYTES + " random bytes");
        }
        byte[] basePrivate = Arrays.copyOfRange(random, 0, 32);
        byte[] secret = new byte[96];
        byte[] a = null;
        byte[] b = null;
        byte[] c = null;
        try {
            a = accountAgreement(() -> account.identityAgreement(oneTimeKey));
            b = Ratchet.agree(basePrivate, identityKey);
            c = Ratchet.agree(basePrivate, oneTimeKey);
            System.arraycopy(a, 0, secret, 0, 32);
            System.arraycopy(b, 0, secret, 32, 32);
            System.arraycopy(c, 0, secret, 64, 32);
            byte[][] derived = Ratchet.initial(secret);
            Session session = new Session(account.curve25519KeyBytes(), Curve25519.publicKey(basePrivate), oneTimeKey,
                    identityKey);
            session.rootKey = derived[0];
            session.sender = new SenderChain(Arrays.copyOfRange(random, 32, 64), derived[1], 0);
            return session;
        } finally {
            Secrets.wipe(basePrivate, secret, a, b, c);
        }
    }

    /** An outbound session with random bytes from {@code random}. */
    public static Session createOutbound(Account account, String theirIdentityKey, String theirOneTimeKey,
            SecureRandom random) {
        byte[] bytes = new byte[OUTBOUND_RANDOM_BYTES];
        random.nextBytes(bytes);
        try {
            return createOutbound(account, theirIdentityKey, theirOneTimeKey, bytes);
        } finally {
            Secrets.wipe(bytes);
        }
    }

    /**
     * An inbound session from a pre-key message: checks the sender's identity key (when {@code theirIdentityKey}
     * is not null), finds our one-time or fallback key, decrypts the message and only then removes the one-time
     * key from the account (fallback keys stay).
     *
     * @throws OlmException {@code UNKNOWN_ONE_TIME_KEY} for a used or unknown one-time key,
     *     {@code IDENTITY_KEY_MISMATCH}, or any decoding or decryption problem
     */
    public static InboundSession createInbound(Account account, String theirIdentityKey, String preKeyBody) {
        PreKeyMessage message = PreKeyMessage.decode(preKeyBody);
        if (theirIdentityKey != null) {
            byte[] expected = Wire.decodeKey(theirIdentityKey, "their identity key");
            if (!Arrays.equals(expected, message.identityKeyRaw())) {
                throw new OlmException(OlmException.Problem.IDENTITY_KEY_MISMATCH,
                        "the pre-key message is from another identity key than expected");
            }
        }
        if (!account.hasOneTimeKey(message.oneTimeKeyRaw())) {
            throw new OlmException(OlmException.Problem.UNKNOWN_ONE_TIME_KEY,
                    "the pre-key message names a one-time key this account does not hold");
        }
        byte[] secret = new byte[96];
        byte[] a = null;
        byte[] b = null;
        byte[] c = null;
        try {
            a = accountAgreement(() -> account.oneTimeKeyAgreement(message.oneTimeKeyRaw(), message.identityKeyRaw()));
            b = accountAgreement(() -> account.identityAgreement(message.baseKeyRaw()));
            c = accountAgreement(() -> account.oneTimeKeyAgreement(message.oneTimeKeyRaw(), message.baseKeyRaw()));
            System.arraycopy(a, 0, secret, 0, 32);
            System.arraycopy(b, 0, secret, 32, 32);
            System.arraycopy(c, 0, secret, 64, 32);
            byte[][] derived = Ratchet.initial(secret);
            Session session = new Session(message.identityKeyRaw().clone(), message.baseKeyRaw().clone(),
                    message.oneTimeKeyRaw().clone(), message.identityKeyRaw().clone());
            session.rootKey = derived[0];
            session.receivers.add(new ReceiverChain(message.message().ratchetKeyRaw().clone(), derived[1], 0));
            byte[] plaintext = session.decrypt(message);
            account.removeOneTimeKey(message.oneTimeKeyRaw());
            return new InboundSession(session, plaintext);
        } finally {
            Secrets.wipe(secret, a, b, c);
        }
    }

    private static byte[] accountAgreement(java.util.function.Supplier<byte[]> agreement) {
        try {
            return agreement.get();
        } catch (AccountException e) {
            throw new OlmException(OlmException.Problem.UNKNOWN_ONE_TIME_KEY, "the one-time key is not ours");
        } catch (dev.starling.olm.crypto.CryptoException e) {
            throw new OlmException(OlmException.Problem.NON_CONTRIBUTORY_KEY, "a key agreement was refused");
        }
    }

    // ---- identity

    /** The session ID: unpadded base64 of SHA-256(Alice's identity key || base key || Bob's one-time key). */
    public String sessionId() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(aliceIdentityKey);
            sha.update(aliceBaseKey);
            sha.update(bobOneTimeKey);
            return Base64s.encode(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The other device's Curve25519 identity key, unpadded base64. */
    public String peerIdentityKey() {
        return Base64s.encode(peerIdentityKey);
    }

    /**
     * The one-time (or fallback) key this session was started from, unpadded base64: pass it to
     * {@link Account#removeOneTimeKey(String)} (libolm {@code olm_remove_one_time_keys}) when the session was made
     * without {@link #createInbound}, which removes it itself.
     */
    public String oneTimeKey() {
        return Base64s.encode(bobOneTimeKey);
    }

    /** Whether this session has decrypted a message (so it sends normal, not pre-key, messages). */
    public boolean hasReceivedMessage() {
        return receivedMessage;
    }

    /**
     * Whether a pre-key message belongs to this session (libolm {@code olm_matches_inbound_session_from}): same
     * identity, base and one-time keys; {@code theirIdentityKey} may be null. Malformed messages do not match.
     */
    public boolean matchesInboundSession(String theirIdentityKey, String preKeyBody) {
        PreKeyMessage message;
        try {
            message = PreKeyMessage.decode(preKeyBody);
        } catch (OlmException e) {
            return false;
        }
        boolean same = MessageDigest.isEqual(message.identityKeyRaw(), aliceIdentityKey);
        if (theirIdentityKey != null) {
            byte[] expected;
            try {
                expected = Wire.decodeKey(theirIdentityKey, "their identity key");
            } catch (OlmException e) {
                return false;
            }
            same &= MessageDigest.isEqual(expected, aliceIdentityKey);
        }
        same &= MessageDigest.isEqual(message.baseKeyRaw(), aliceBaseKey);
        same &= MessageDigest.isEqual(message.oneTimeKeyRaw(), bobOneTimeKey);
        return same;
    }

    // ---- encryption

    /** The type of the next message: 0 (pre-key) until a message was received, then 1. */
    public int encryptMessageType() {
        return receivedMessage ? EncryptedMessage.NORMAL : EncryptedMessage.PRE_KEY;
    }

    /** Random bytes the next {@link #encrypt(byte[], byte[])} consumes: 32 for a new ratchet key, else 0. */
    public int encryptRandomLength() {
        return sender == null ? 32 : 0;
    }

    /** Encrypts with {@code random} (exactly {@link #encryptRandomLength()} bytes; null when 0). */
    public EncryptedMessage encrypt(byte[] plaintext, byte[] random) {
        int needed = encryptRandomLength();
        int given = random == null ? 0 : random.length;
        if (given != needed) {
            throw new OlmException(OlmException.Problem.WRONG_RANDOM_LENGTH,
                    "this encryption takes " + needed + " random bytes, got " + given);
        }
        if (sender == null) {
            byte[] ratchetPrivate = random.clone();
            byte[][] derived = Ratchet.advanceRoot(rootKey, ratchetPrivate, receivers.get(0).ratchetKey);
            Secrets.wipe(rootKey);
            rootKey = derived[0];
            sender = new SenderChain(ratchetPrivate, derived[1], 0);
            Secrets.wipe(ratchetPrivate);
        }
        if (sender.index > 0xFFFFFFFFL) {
            throw new OlmException(OlmException.Problem.MESSAGE_GAP_TOO_LARGE,
                    "the sending chain is exhausted (2^32 messages); start a new session");
        }
        byte[] messageKey = Ratchet.messageKey(sender.chainKey);
        long counter = sender.index;
        sender.advance();
        byte[] inner;
        try {
            inner = Ratchet.seal(messageKey, sender.ratchetPublic, counter, plaintext);
        } finally {
            Secrets.wipe(messageKey);
        }
        if (receivedMessage) {
            return new EncryptedMessage(EncryptedMessage.NORMAL, Base64s.encode(inner));
        }
        return new EncryptedMessage(EncryptedMessage.PRE_KEY,
                Base64s.encode(PreKeyMessage.encode(bobOneTimeKey, aliceBaseKey, aliceIdentityKey, inner)));
    }

    /** Encrypts, drawing a new ratchet key from {@code random} when one is needed. */
    public EncryptedMessage encrypt(byte[] plaintext, SecureRandom random) {
        byte[] bytes = null;
        if (encryptRandomLength() > 0) {
            bytes = new byte[encryptRandomLength()];
            random.nextBytes(bytes);
        }
        try {
            return encrypt(plaintext, bytes);
        } finally {
            Secrets.wipe(bytes);
        }
    }

    // ---- decryption

    /** Decrypts a message of type 0 or 1 (base64 body). */
    public byte[] decrypt(EncryptedMessage message) {
        return decrypt(message.type(), message.body());
    }

    /** Decrypts a message of type 0 (pre-key) or 1 (normal), given as its base64 body. */
    public byte[] decrypt(int type, String body) {
        if (type == EncryptedMessage.PRE_KEY) {
            return decrypt(PreKeyMessage.decode(body));
        }
        if (type == EncryptedMessage.NORMAL) {
            return decrypt(OlmMessage.decode(Wire.decodeBody(body, OlmMessage.MAX_BYTES)));
        }
        throw new OlmException(OlmException.Problem.WRONG_MESSAGE_TYPE, "message type " + type + " is neither 0 nor 1");
    }

    /** Decrypts the message inside a pre-key message. */
    public byte[] decrypt(PreKeyMessage message) {
        return decrypt(message.message());
    }

    /** Decrypts a normal message; the session changes only when it succeeds. */
    public byte[] decrypt(OlmMessage message) {
        byte[] plaintext = SessionDecryption.decrypt(this, message);
        receivedMessage = true;
        return plaintext;
    }

    // ---- lifecycle

    /** The session's whole state (secret) for {@code Pickle}. */
    public byte[] serialize() {
        return SessionState.write(this);
    }

    /** A session from {@link #serialize()}'s bytes. */
    public static Session deserialize(byte[] state) {
        return SessionState.read(state);
    }

    /** Wipes every secret; the session is unusable afterwards. */
    public void wipe() {
        Secrets.wipe(rootKey);
        if (sender != null) {
            sender.wipe();
        }
        receivers.forEach(ReceiverChain::wipe);
        skipped.forEach(SkippedKey::wipe);
    }

    @Override
    public String toString() {
        return "Session[" + sessionId() + "]";
    }

    // ---- chains

    /** Our current sending chain: our ratchet key pair and the chain key. */
    static final class SenderChain {
        final byte[] ratchetPrivate;
        final byte[] ratchetPublic;
        byte[] chainKey;
        long index;

        SenderChain(byte[] ratchetPrivate, byte[] chainKey, long index) {
            this.ratchetPrivate = ratchetPrivate.clone();
            this.ratchetPublic = Curve25519.publicKey(this.ratchetPrivate);
            this.chainKey = chainKey;
            this.index = index;
        }

        void advance() {
            byte[] next = Ratchet.nextChainKey(chainKey);
            Secrets.wipe(chainKey);
            chainKey = next;
            index++;
        }

        void wipe() {
            Secrets.wipe(ratchetPrivate, chainKey);
        }
    }

    /** A chain of the other side's: their ratchet key and the chain key. */
    static final class ReceiverChain {
        final byte[] ratchetKey;
        byte[] chainKey;
        long index;

        ReceiverChain(byte[] ratchetKey, byte[] chainKey, long index) {
            this.ratchetKey = ratchetKey;
            this.chainKey = chainKey;
            this.index = index;
        }

        void wipe() {
            Secrets.wipe(chainKey);
        }
    }

    /** A message key kept for a message that has not arrived yet. */
    record SkippedKey(byte[] ratchetKey, long index, byte[] messageKey) {
        void wipe() {
            Secrets.wipe(messageKey);
        }

        @Override
        public String toString() {
            return "SkippedKey[" + index + "]";
        }
    }
}
