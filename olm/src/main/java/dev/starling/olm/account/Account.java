package dev.starling.olm.account;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.crypto.Curve25519;
import dev.starling.olm.crypto.Secrets;
import dev.starling.protocol.crypto.Base64s;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An Olm account (libolm {@code OlmAccount}): the device's Curve25519 identity key and Ed25519 signing key, its
 * one-time keys and its fallback keys (current and previous).
 *
 * <p>Random bytes are consumed exactly as libolm consumes them, so that the same bytes give the same keys:
 * {@link #create(byte[])} takes the Ed25519 seed (32) then the Curve25519 private key (32); each one-time and
 * fallback key takes 32 bytes. Key IDs come from one counter shared by one-time and fallback keys, starting at 1,
 * published as base64 of the big-endian 32-bit counter ({@code AAAAAQ}). At most {@link #MAX_ONE_TIME_KEYS} are
 * kept; generating more drops the oldest, as libolm does.
 *
 * <p>Not thread-safe: callers serialise access. {@code toString()} shows only public keys.
 */
public final class Account {
    /** Random bytes {@link #create(byte[])} consumes. */
    public static final int CREATE_RANDOM_BYTES = 64;
    /** Random bytes each one-time or fallback key consumes. */
    public static final int KEY_RANDOM_BYTES = Curve25519.KEY_BYTES;
    /** The most one-time keys kept (libolm's and vodozemac's limit). */
    public static final int MAX_ONE_TIME_KEYS = 100;
    /** The Olm algorithm name. */
    public static final String OLM_ALGORITHM = "m.olm.v1.curve25519-aes-sha2";

    private static final KeyId ACCOUNT_KEY_ID = new KeyId("ed25519", "account");

    final byte[] ed25519Seed;
    final SigningKey signingKey;
    final KeyPair identity;
    /** Newest first, as libolm's list keeps them. */
    final List<KeyPair> oneTimeKeys = new ArrayList<>();
    long nextKeyId;
    KeyPair currentFallback;
    KeyPair previousFallback;

    Account(byte[] ed25519Seed, byte[] curvePrivate) {
        this.ed25519Seed = ed25519Seed.clone();
        this.signingKey = SigningKey.fromSeed(ACCOUNT_KEY_ID, ed25519Seed);
        this.identity = new KeyPair(0, curvePrivate);
    }

    /** A new account from 64 random bytes: Ed25519 seed (32) || Curve25519 private key (32). */
    public static Account create(byte[] random) {
        requireRandom(random, CREATE_RANDOM_BYTES);
        byte[] seed = Arrays.copyOfRange(random, 0, 32);
        byte[] curve = Arrays.copyOfRange(random, 32, 64);
        try {
            return new Account(seed, curve);
        } finally {
            Secrets.wipe(seed, curve);
        }
    }

    /** A new account with keys from {@code random}. */
    public static Account create(SecureRandom random) {
        byte[] bytes = randomBytes(random, CREATE_RANDOM_BYTES);
        try {
            return create(bytes);
        } finally {
            Secrets.wipe(bytes);
        }
    }

    /** The Curve25519 identity key, unpadded base64. */
    public String curve25519Key() {
        return Base64s.encode(identity.publicKey);
    }

    /** The Ed25519 signing key, unpadded base64. */
    public String ed25519Key() {
        return signingKey.verifyKey().publicKeyBase64();
    }

    /** A copy of the 32-byte Curve25519 identity public key. */
    public byte[] curve25519KeyBytes() {
        return identity.publicKey.clone();
    }

    /** {@code {"curve25519": ..., "ed25519": ...}} as libolm's {@code olm_account_identity_keys} gives it. */
    public ObjectNode identityKeysJson() {
        ObjectNode keys = JsonNodeFactory.instance.objectNode();
        keys.put("curve25519", curve25519Key());
        keys.put("ed25519", ed25519Key());
        return keys;
    }

    // ---- signing

    /** The Ed25519 signature of {@code message}, unpadded base64 (libolm {@code olm_account_sign}). */
    public String sign(byte[] message) {
        return Base64s.encode(signingKey.sign(message));
    }

    /** The raw 64-byte Ed25519 signature of {@code message}. */
    public byte[] signRaw(byte[] message) {
        return signingKey.sign(message);
    }

    /**
     * Signs a JSON object (canonical JSON without {@code signatures} and {@code unsigned}) as
     * {@code signatures.<userId>.ed25519:<deviceId>}; returns a signed copy.
     */
    public ObjectNode signJson(ObjectNode json, String userId, String deviceId) {
        byte[] seed = ed25519Seed.clone();
        try {
            return JsonSignatures.sign(json, userId, SigningKey.fromSeed(KeyId.ed25519(deviceId), seed));
        } finally {
            Secrets.wipe(seed);
        }
    }

    /**
     * The signed device keys for {@code /keys/upload}: {@code user_id}, {@code device_id}, {@code algorithms},
     * {@code keys} and our signature.
     */
    public ObjectNode deviceKeys(String userId, String deviceId, List<String> algorithms) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("user_id", userId);
        json.put("device_id", deviceId);
        algorithms.forEach(json.putArray("algorithms")::add);
        ObjectNode keys = json.putObject("keys");
        keys.put("curve25519:" + deviceId, curve25519Key());
        keys.put("ed25519:" + deviceId, ed25519Key());
        return signJson(json, userId, deviceId);
    }

    // ---- one-time keys

    /** Random bytes {@link #generateOneTimeKeys(int, byte[])} consumes for {@code count} keys. */
    public static int oneTimeKeysRandomLength(int count) {
        return count * KEY_RANDOM_BYTES;
    }

    /** Generates {@code count} one-time keys from {@code count × 32} random bytes, one private key each, in order. */
    public void generateOneTimeKeys(int count, byte[] random) {
        if (count < 0 || count > MAX_ONE_TIME_KEYS) {
            throw new AccountException(AccountException.Problem.INVALID_ARGUMENT,
                    "one-time key count must be 0.." + MAX_ONE_TIME_KEYS + ", got " + count);
        }
        requireRandom(random, oneTimeKeysRandomLength(count));
        for (int i = 0; i < count; i++) {
            byte[] privateKey = Arrays.copyOfRange(random, i * 32, i * 32 + 32);
            oneTimeKeys.add(0, new KeyPair(++nextKeyId, privateKey));
            Secrets.wipe(privateKey);
            if (oneTimeKeys.size() > MAX_ONE_TIME_KEYS) {
                oneTimeKeys.remove(oneTimeKeys.size() - 1).wipe();
            }
        }
    }

    /** Generates {@code count} one-time keys with bytes from {@code random}. */
    public void generateOneTimeKeys(int count, SecureRandom random) {
        byte[] bytes = randomBytes(random, oneTimeKeysRandomLength(Math.max(0, Math.min(count, MAX_ONE_TIME_KEYS))));
        try {
            generateOneTimeKeys(count, bytes);
        } finally {
            Secrets.wipe(bytes);
        }
    }

    /** Every one-time key we hold (published or not), oldest first. */
    public List<OneTimeKey> oneTimeKeys() {
        List<OneTimeKey> out = new ArrayList<>();
        for (int i = oneTimeKeys.size() - 1; i >= 0; i--) {
            out.add(oneTimeKeys.get(i).view());
        }
        return out;
    }

    /** The unpublished one-time keys as libolm's {@code olm_account_one_time_keys}: key ID → public key. */
    public Map<String, String> unpublishedOneTimeKeys() {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = oneTimeKeys.size() - 1; i >= 0; i--) {
            KeyPair key = oneTimeKeys.get(i);
            if (!key.published) {
                out.put(OneTimeKey.keyIdOf(key.id), Base64s.encode(key.publicKey));
            }
        }
        return out;
    }

    /**
     * The unpublished one-time keys as {@code /keys/upload} wants them: {@code signed_curve25519:<id>} →
     * {@code {"key": ..., "signatures": ...}}.
     */
    public ObjectNode signedOneTimeKeys(String userId, String deviceId) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        unpublishedOneTimeKeys().forEach((id, key) -> {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            object.put("key", key);
            out.set("signed_curve25519:" + id, signJson(object, userId, deviceId));
        });
        return out;
    }

    /** Marks every one-time key and the current fallback key as published. */
    public void markKeysAsPublished() {
        oneTimeKeys.forEach(k -> k.published = true);
        if (currentFallback != null) {
            currentFallback.published = true;
        }
    }

    // ---- fallback keys

    /** Generates a new fallback key from 32 random bytes; the current one becomes the previous one. */
    public void generateFallbackKey(byte[] random) {
        requireRandom(random, KEY_RANDOM_BYTES);
        if (previousFallback != null) {
            previousFallback.wipe();
        }
        previousFallback = currentFallback;
        currentFallback = new KeyPair(++nextKeyId, random);
    }

    public void generateFallbackKey(SecureRandom random) {
        byte[] bytes = randomBytes(random, KEY_RANDOM_BYTES);
        try {
            generateFallbackKey(bytes);
        } finally {
            Secrets.wipe(bytes);
        }
    }

    /** The current fallback key, or null. */
    public OneTimeKey fallbackKey() {
        return currentFallback == null ? null : currentFallback.view();
    }

    /** The previous fallback key (still accepted for inbound sessions), or null. */
    public OneTimeKey previousFallbackKey() {
        return previousFallback == null ? null : previousFallback.view();
    }

    /** The current fallback key when not yet published: key ID → public key (empty otherwise). */
    public Map<String, String> unpublishedFallbackKey() {
        if (currentFallback == null || currentFallback.published) {
            return Map.of();
        }
        return Map.of(OneTimeKey.keyIdOf(currentFallback.id), Base64s.encode(currentFallback.publicKey));
    }

    /** The unpublished fallback key for {@code /keys/upload}'s {@code fallback_keys}, signed, with {@code fallback: true}. */
    public ObjectNode signedFallbackKey(String userId, String deviceId) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        unpublishedFallbackKey().forEach((id, key) -> {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            object.put("key", key);
            object.put("fallback", true);
            out.set("signed_curve25519:" + id, signJson(object, userId, deviceId));
        });
        return out;
    }

    /** Forgets the previous fallback key (libolm {@code olm_account_forget_old_fallback_key}). */
    public void forgetOldFallbackKey() {
        if (previousFallback != null) {
            previousFallback.wipe();
            previousFallback = null;
        }
    }

    // ---- key agreement for sessions (the private keys never leave the account)

    /** DH(our identity key, {@code theirPublicKey}); refuses an all-zero result. */
    public byte[] identityAgreement(byte[] theirPublicKey) {
        return agree(identity, theirPublicKey);
    }

    /**
     * DH(our one-time or fallback key with public key {@code ourPublicKey}, {@code theirPublicKey}).
     *
     * @throws AccountException {@code UNKNOWN_ONE_TIME_KEY} when we hold no such key
     */
    public byte[] oneTimeKeyAgreement(byte[] ourPublicKey, byte[] theirPublicKey) {
        KeyPair key = lookup(ourPublicKey);
        if (key == null) {
            throw new AccountException(AccountException.Problem.UNKNOWN_ONE_TIME_KEY,
                    "no one-time or fallback key of this account matches");
        }
        return agree(key, theirPublicKey);
    }

    /** Whether we hold a one-time or fallback key with this public key. */
    public boolean hasOneTimeKey(byte[] publicKey) {
        return lookup(publicKey) != null;
    }

    /**
     * Removes the one-time key with this public key once a session used it (libolm {@code olm_remove_one_time_keys});
     * fallback keys stay. Returns the removed (or fallback) key's ID.
     *
     * @throws AccountException {@code UNKNOWN_ONE_TIME_KEY} when we hold no such key
     */
    public long removeOneTimeKey(byte[] publicKey) {
        for (int i = 0; i < oneTimeKeys.size(); i++) {
            if (Arrays.equals(oneTimeKeys.get(i).publicKey, publicKey)) {
                KeyPair removed = oneTimeKeys.remove(i);
                removed.wipe();
                return removed.id;
            }
        }
        KeyPair fallback = lookup(publicKey);
        if (fallback == null) {
            throw new AccountException(AccountException.Problem.UNKNOWN_ONE_TIME_KEY,
                    "no one-time key of this account matches");
        }
        return fallback.id;
    }

    /** {@link #removeOneTimeKey(byte[])} for a key in unpadded base64 (e.g. {@code Session.oneTimeKey()}). */
    public long removeOneTimeKey(String publicKey) {
        byte[] bytes;
        try {
            bytes = Base64s.decode(publicKey);
        } catch (IllegalArgumentException e) {
            throw new AccountException(AccountException.Problem.WRONG_KEY_LENGTH, "the key is not unpadded base64");
        }
        return removeOneTimeKey(bytes);
    }

    private KeyPair lookup(byte[] publicKey) {
        for (KeyPair key : oneTimeKeys) {
            if (Arrays.equals(key.publicKey, publicKey)) {
                return key;
            }
        }
        if (currentFallback != null && Arrays.equals(currentFallback.publicKey, publicKey)) {
            return currentFallback;
        }
        if (previousFallback != null && Arrays.equals(previousFallback.publicKey, publicKey)) {
            return previousFallback;
        }
        return null;
    }

    private static byte[] agree(KeyPair ours, byte[] theirs) {
        if (theirs == null || theirs.length != Curve25519.KEY_BYTES) {
            throw new AccountException(AccountException.Problem.WRONG_KEY_LENGTH,
                    "a Curve25519 public key must be 32 bytes");
        }
        return Curve25519.agree(ours.privateKey, theirs);
    }

    /** Wipes every private key; the account is unusable afterwards. */
    public void wipe() {
        Secrets.wipe(ed25519Seed);
        identity.wipe();
        oneTimeKeys.forEach(KeyPair::wipe);
        if (currentFallback != null) {
            currentFallback.wipe();
        }
        if (previousFallback != null) {
            previousFallback.wipe();
        }
    }

    /** The account's whole state (secret) for {@code Pickle}; see {@link AccountState}. */
    public byte[] serialize() {
        return AccountState.write(this);
    }

    /** An account from {@link #serialize()}'s bytes. */
    public static Account deserialize(byte[] state) {
        return AccountState.read(state);
    }

    @Override
    public String toString() {
        return "Account[curve25519 " + curve25519Key() + ", ed25519 " + ed25519Key() + ", "
                + oneTimeKeys.size() + " one-time keys]";
    }

    static void requireRandom(byte[] random, int expected) {
        if (random == null || random.length != expected) {
            throw new AccountException(AccountException.Problem.WRONG_RANDOM_LENGTH,
                    "expected " + expected + " random bytes, got " + (random == null ? 0 : random.length));
        }
    }

    private static byte[] randomBytes(SecureRandom random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A Curve25519 key pair with its counter ID and published flag. */
    static final class KeyPair {
        final long id;
        final byte[] privateKey;
        final byte[] publicKey;
        boolean published;

        KeyPair(long id, byte[] privateKey) {
            this.id = id;
            this.privateKey = privateKey.clone();
            this.publicKey = Curve25519.publicKey(this.privateKey);
        }

        OneTimeKey view() {
            return new OneTimeKey(id, OneTimeKey.keyIdOf(id), Base64s.encode(publicKey), published);
        }

        void wipe() {
            Secrets.wipe(privateKey);
        }

        @Override
        public String toString() {
            return "KeyPair[" + OneTimeKey.keyIdOf(id) + "]";
        }
    }
}
