package dev.starling.olm.crosssigning;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import java.security.SecureRandom;

/**
 * Our own cross-signing keys (spec: "Cross-signing"): the master key, the self-signing key (signs our
 * devices) and the user-signing key (signs other users' master keys), each Ed25519 with the key ID
 * {@code ed25519:<public key>}. Builds the body of {@code POST /keys/device_signing/upload} and the signed
 * objects for {@code POST /keys/signatures/upload}. {@code toString()} shows public keys only; the seeds
 * leave only through {@link #seedBase64} for secret storage ({@code m.cross_signing.master}, ...).
 */
public final class CrossSigningKeys {
    private final String userId;
    private final SigningKey master;
    private final SigningKey selfSigning;
    private final SigningKey userSigning;

    private CrossSigningKeys(String userId, SigningKey master, SigningKey selfSigning, SigningKey userSigning) {
        this.userId = userId;
        this.master = master;
        this.selfSigning = selfSigning;
        this.userSigning = userSigning;
    }

    /** New keys for {@code userId}. */
    public static CrossSigningKeys generate(String userId, SecureRandom random) {
        byte[][] seeds = new byte[3][SigningKey.SEED_BYTES];
        for (byte[] seed : seeds) {
            random.nextBytes(seed);
        }
        try {
            return fromSeeds(userId, seeds[0], seeds[1], seeds[2]);
        } finally {
            dev.starling.olm.crypto.Secrets.wipe(seeds);
        }
    }

    /** Keys from their 32-byte seeds (e.g. restored from secret storage). */
    public static CrossSigningKeys fromSeeds(String userId, byte[] master, byte[] selfSigning, byte[] userSigning) {
        return new CrossSigningKeys(userId, key(master), key(selfSigning), key(userSigning));
    }

    private static SigningKey key(byte[] seed) {
        SigningKey provisional = SigningKey.fromSeed(KeyId.ed25519("x"), seed);
        return SigningKey.fromSeed(KeyId.ed25519(provisional.verifyKey().publicKeyBase64()), seed);
    }

    /** The seed of one key, base64, for secret storage. Secret. */
    public String seedBase64(String usage) {
        return switch (usage) {
            case CrossSigningKey.MASTER -> master.seedBase64();
            case CrossSigningKey.SELF_SIGNING -> selfSigning.seedBase64();
            case CrossSigningKey.USER_SIGNING -> userSigning.seedBase64();
            default -> throw new IllegalArgumentException("no cross-signing key with usage " + usage);
        };
    }

    public String userId() {
        return userId;
    }

    /** The master key object, unsigned by any device. */
    public ObjectNode masterKey() {
        return keyObject(CrossSigningKey.MASTER, master);
    }

    /** The master key object signed by one of our devices' keys as well (optional in the spec). */
    public ObjectNode masterKeySignedByDevice(SigningKey deviceKey) {
        return JsonSignatures.sign(masterKey(), userId, deviceKey);
    }

    /** The self-signing key object, signed by the master key. */
    public ObjectNode selfSigningKey() {
        return JsonSignatures.sign(keyObject(CrossSigningKey.SELF_SIGNING, selfSigning), userId, master);
    }

    /** The user-signing key object, signed by the master key. */
    public ObjectNode userSigningKey() {
        return JsonSignatures.sign(keyObject(CrossSigningKey.USER_SIGNING, userSigning), userId, master);
    }

    /** The body of {@code POST /keys/device_signing/upload} (without {@code auth}). */
    public ObjectNode uploadBody() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("master_key", masterKey());
        body.set("self_signing_key", selfSigningKey());
        body.set("user_signing_key", userSigningKey());
        return body;
    }

    /** One of our devices' keys ({@code DeviceKeys}) signed by our self-signing key. */
    public ObjectNode signOwnDevice(ObjectNode deviceKeys) {
        if (!userId.equals(deviceKeys.path("user_id").asText(null))) {
            throw new CrossSigningException(CrossSigningException.Problem.USER_MISMATCH,
                    "the self-signing key signs only our own devices");
        }
        return JsonSignatures.sign(deviceKeys, userId, selfSigning);
    }

    /** Another user's master key object signed by our user-signing key. */
    public ObjectNode signUserMasterKey(ObjectNode theirMasterKey) {
        CrossSigningKey parsed = CrossSigningKey.parse(theirMasterKey);
        if (!parsed.hasUsage(CrossSigningKey.MASTER)) {
            throw new CrossSigningException(CrossSigningException.Problem.WRONG_USAGE,
                    "the user-signing key signs only master keys");
        }
        if (parsed.userId().equals(userId)) {
            throw new CrossSigningException(CrossSigningException.Problem.USER_MISMATCH,
                    "the user-signing key signs other users' master keys, not our own");
        }
        return JsonSignatures.sign(theirMasterKey, userId, userSigning);
    }

    /** Our master key as a verified public key. */
    public CrossSigningKey publicMaster() {
        return CrossSigningKey.parse(masterKey());
    }

    private ObjectNode keyObject(String usage, SigningKey key) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("user_id", userId);
        json.putArray("usage").add(usage);
        json.putObject("keys").put(key.keyId().toString(), key.verifyKey().publicKeyBase64());
        return json;
    }

    @Override
    public String toString() {
        return "CrossSigningKeys[" + userId + " master " + master.verifyKey().publicKeyBase64() + "]";
    }
}
