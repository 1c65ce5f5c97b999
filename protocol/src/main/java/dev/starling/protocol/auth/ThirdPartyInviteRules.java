package dev.starling.protocol.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Rule 4.4.1 (v12: 5.4.1), an invite made by presenting a signed third-party invite token (spec: Room
 * Versions, "Authorisation rules"; Client-Server API, "m.room.third_party_invite"). The signature check is
 * Ed25519 over the canonical JSON of {@code signed} without {@code signatures} and {@code unsigned} (spec:
 * Appendices, "Signing JSON"), done with BouncyCastle, which refuses non-canonical signatures.
 */
final class ThirdPartyInviteRules {
    private ThirdPartyInviteRules() {}

    static void check(AuthContext ctx, UserId target, JsonNode thirdParty) {
        // 4.4.1.1
        if (AuthContext.BAN.equals(ctx.membership(target.value()))) {
            throw new AuthException(AuthRule.THIRD_PARTY_INVITE, "the invited user is banned");
        }
        // 4.4.1.2
        if (!(thirdParty.get("signed") instanceof ObjectNode signed)) {
            throw new AuthException(AuthRule.THIRD_PARTY_INVITE, "third_party_invite has no signed object");
        }
        // 4.4.1.3
        JsonNode mxid = signed.get("mxid");
        JsonNode token = signed.get("token");
        if (mxid == null || !mxid.isTextual() || token == null || !token.isTextual()) {
            throw new AuthException(AuthRule.THIRD_PARTY_INVITE, "signed needs string mxid and token");
        }
        // 4.4.1.4
        if (!mxid.textValue().equals(target.value())) {
            throw new AuthException(AuthRule.THIRD_PARTY_INVITE, "signed.mxid does not match the state_key");
        }
        // 4.4.1.5
        Pdu invite = ctx.state.get(new StateKey(EventTypes.THIRD_PARTY_INVITE, token.textValue()));
        if (invite == null) {
            throw new AuthException(AuthRule.THIRD_PARTY_INVITE, "no m.room.third_party_invite for the token");
        }
        // 4.4.1.6
        if (!invite.sender().equals(ctx.event.sender())) {
            throw new AuthException(AuthRule.THIRD_PARTY_INVITE,
                    "the sender is not the sender of the m.room.third_party_invite");
        }
        // 4.4.1.7, 4.4.1.8
        if (!signedByAnyKey(signed, publicKeys(invite.content()))) {
            throw new AuthException(AuthRule.THIRD_PARTY_INVITE,
                    "no signature in signed verifies with a public key of the m.room.third_party_invite");
        }
    }

    /** {@code public_key} and each {@code public_keys[].public_key}, decoded; undecodable keys are skipped. */
    private static List<byte[]> publicKeys(ObjectNode content) {
        List<byte[]> keys = new ArrayList<>();
        addKey(keys, content.get("public_key"));
        JsonNode list = content.get("public_keys");
        if (list != null && list.isArray()) {
            for (JsonNode entry : list) {
                addKey(keys, entry.get("public_key"));
            }
        }
        return keys;
    }

    private static void addKey(List<byte[]> keys, JsonNode node) {
        byte[] key = node != null && node.isTextual() ? decodeBase64(node.textValue()) : null;
        if (key != null && key.length == Ed25519PublicKeyParameters.KEY_SIZE) {
            keys.add(key);
        }
    }

    private static boolean signedByAnyKey(ObjectNode signed, List<byte[]> keys) {
        if (keys.isEmpty() || !(signed.get("signatures") instanceof ObjectNode signatures)) {
            return false;
        }
        ObjectNode payload = signed.deepCopy();
        payload.remove("signatures");
        payload.remove("unsigned");
        byte[] message = CanonicalJson.encode(payload);
        for (JsonNode byKey : signatures) {
            if (!byKey.isObject()) {
                continue;
            }
            for (JsonNode signature : byKey) {
                byte[] bytes = signature.isTextual() ? decodeBase64(signature.textValue()) : null;
                if (bytes == null || bytes.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
                    continue;
                }
                for (byte[] key : keys) {
                    if (verifies(key, message, bytes)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean verifies(byte[] key, byte[] message, byte[] signature) {
        try {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(key, 0));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
        } catch (IllegalArgumentException e) {
            return false; // not a point on the curve
        }
    }

    /** Unpadded (or padded) base64 in the standard or URL-safe alphabet; null when it is neither. */
    static byte[] decodeBase64(String text) {
        try {
            boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
            return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
