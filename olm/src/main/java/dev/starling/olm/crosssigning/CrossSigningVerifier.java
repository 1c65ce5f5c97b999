package dev.starling.olm.crosssigning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.crosssigning.CrossSigningException.Problem;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.SignatureException;
import dev.starling.protocol.crypto.VerifyKey;

/**
 * Checks cross-signing chains (spec: "Cross-signing"). Trust starts from a master key the caller already
 * trusts (our own, or one verified by SAS), or from our user-signing key for another user's master key:
 *
 * <ul>
 *   <li>{@link #verifyDevice}: device ← self-signing key ← master key, all of one user;</li>
 *   <li>{@link #verifyUserMaster}: their master key ← our user-signing key ← our master key.</li>
 * </ul>
 * Each failure names the failing link with a {@link CrossSigningException.Problem}.
 */
public final class CrossSigningVerifier {
    private CrossSigningVerifier() {
    }

    /**
     * Checks that {@code selfSigningKey} is signed by {@code trustedMaster} and that {@code deviceKeys} is
     * signed by that self-signing key; returns the self-signing key.
     */
    public static CrossSigningKey verifyDevice(CrossSigningKey trustedMaster, JsonNode selfSigningKey,
            JsonNode deviceKeys) {
        requireUsage(trustedMaster, CrossSigningKey.MASTER);
        CrossSigningKey ssk = CrossSigningKey.parse(selfSigningKey);
        requireUsage(ssk, CrossSigningKey.SELF_SIGNING);
        requireSameUser(ssk, trustedMaster.userId());
        requireSigned(ssk.json(), trustedMaster.userId(), trustedMaster.key(), "the self-signing key by the master key");
        if (!(deviceKeys instanceof ObjectNode device) || !device.path("user_id").isTextual()
                || !device.path("device_id").isTextual()) {
            throw new CrossSigningException(Problem.MALFORMED_DEVICE, "device keys need user_id and device_id");
        }
        if (!trustedMaster.userId().equals(device.get("user_id").textValue())) {
            throw new CrossSigningException(Problem.USER_MISMATCH, "the device belongs to another user");
        }
        requireSigned(device, trustedMaster.userId(), ssk.key(), "device " + device.get("device_id").textValue()
                + " by the self-signing key");
        return ssk;
    }

    /**
     * Checks that {@code ourUserSigningKey} is signed by {@code ourMaster} and that {@code theirMasterKey} is
     * signed by it; returns their master key, now trusted.
     */
    public static CrossSigningKey verifyUserMaster(CrossSigningKey ourMaster, JsonNode ourUserSigningKey,
            JsonNode theirMasterKey) {
        requireUsage(ourMaster, CrossSigningKey.MASTER);
        CrossSigningKey usk = CrossSigningKey.parse(ourUserSigningKey);
        requireUsage(usk, CrossSigningKey.USER_SIGNING);
        requireSameUser(usk, ourMaster.userId());
        requireSigned(usk.json(), ourMaster.userId(), ourMaster.key(), "the user-signing key by the master key");
        CrossSigningKey theirs = CrossSigningKey.parse(theirMasterKey);
        requireUsage(theirs, CrossSigningKey.MASTER);
        requireSigned(theirs.json(), ourMaster.userId(), usk.key(), "the master key of " + theirs.userId()
                + " by our user-signing key");
        return theirs;
    }

    private static void requireUsage(CrossSigningKey key, String usage) {
        if (!key.hasUsage(usage)) {
            throw new CrossSigningException(Problem.WRONG_USAGE, "a " + usage + " key was expected, got " + key.usage());
        }
    }

    private static void requireSameUser(CrossSigningKey key, String userId) {
        if (!key.userId().equals(userId)) {
            throw new CrossSigningException(Problem.USER_MISMATCH, "the " + key.usage() + " key belongs to "
                    + key.userId() + ", not " + userId);
        }
    }

    private static void requireSigned(ObjectNode json, String signer, VerifyKey key, String what) {
        try {
            JsonSignatures.verify(json, signer, key);
        } catch (SignatureException e) {
            Problem problem = e.problem() == SignatureException.Problem.MISSING_SIGNATURE
                    ? Problem.MISSING_SIGNATURE : Problem.BAD_SIGNATURE;
            throw new CrossSigningException(problem, "no valid signature of " + what);
        }
    }
}
