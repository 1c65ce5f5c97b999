package dev.starling.server.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * One signature upload's checks (Client-Server API § Cross-signing, POST /keys/signatures/upload): the
 * uploader may sign their own devices with their self-signing key, their own master key with one of their
 * devices, and other users' master keys with their user-signing key. The signed object must be the stored
 * key, and every kept signature must verify; anything else is a failure for that key, not for the request.
 */
final class SignatureChecks {
    /** Why one key's signatures were refused. */
    record Failure(String errcode, String error) {}

    private final Connection c;
    private final UserId me;

    SignatureChecks(Connection c, UserId me) {
        this.c = c;
        this.me = me;
    }

    /** Checks and stores the signatures {@code me} made of {@code target}'s key {@code keyId}. */
    Optional<Failure> apply(UserId target, String keyId, ObjectNode signed) throws SQLException {
        if (target.equals(me)) {
            dev.starling.protocol.id.DeviceId deviceId = deviceId(keyId);
            Optional<ObjectNode> device = deviceId == null ? Optional.empty() : KeyStore.deviceKeys(c, me, deviceId);
            if (device.isPresent()) {
                return signWith(target, keyId, device.get(), signed, KeyStore.SELF_SIGNING);
            }
            Optional<ObjectNode> master = KeyStore.crossSigningKey(c, me, KeyStore.MASTER);
            if (master.isPresent() && KeyQueries.publicKey(master.get()).equals(keyId)) {
                return signMasterWithDevices(keyId, master.get(), signed);
            }
            return Optional.of(new Failure("M_NOT_FOUND", "no such device or master key"));
        }
        Optional<ObjectNode> master = KeyStore.crossSigningKey(c, target, KeyStore.MASTER);
        if (master.isEmpty() || !KeyQueries.publicKey(master.get()).equals(keyId)) {
            return Optional.of(new Failure("M_NOT_FOUND", "only another user's master key can be signed"));
        }
        return signWith(target, keyId, master.get(), signed, KeyStore.USER_SIGNING);
    }

    /** A signature of {@code target}'s key by {@code me}'s cross-signing key of {@code signerType}. */
    private Optional<Failure> signWith(UserId target, String keyId, ObjectNode stored, ObjectNode signed,
            String signerType) throws SQLException {
        if (!sameKey(stored, signed)) {
            return Optional.of(new Failure("M_INVALID_PARAM", "the signed object is not the stored key"));
        }
        Optional<ObjectNode> signer = KeyStore.crossSigningKey(c, me, signerType);
        if (signer.isEmpty()) {
            return Optional.of(new Failure("M_INVALID_SIGNATURE", "no " + signerType + " key to check with"));
        }
        VerifyKey key = CrossSigningApi.check(signer.get(), me, signerType, signerType).key();
        if (!KeyJson.signed(signed, me, key)) {
            return Optional.of(new Failure("M_INVALID_SIGNATURE", "missing or invalid signature by the "
                    + signerType + " key"));
        }
        String signature = signed.get("signatures").get(me.value()).get(key.keyId().toString()).textValue();
        KeyStore.putSignature(c, target, keyId, me, key.keyId().toString(), signature);
        return Optional.empty();
    }

    /** Signatures of {@code me}'s master key by {@code me}'s devices: each must verify with that device's key. */
    private Optional<Failure> signMasterWithDevices(String keyId, ObjectNode master, ObjectNode signed)
            throws SQLException {
        if (!sameKey(master, signed)) {
            return Optional.of(new Failure("M_INVALID_PARAM", "the signed object is not the stored master key"));
        }
        JsonNode mine = signed.path("signatures").path(me.value());
        Map<String, ObjectNode> devices = KeyStore.allDeviceKeys(c, me);
        int kept = 0;
        for (Map.Entry<String, JsonNode> signature : mine.properties()) {
            KeyId id;
            try {
                id = KeyId.parse(signature.getKey());
            } catch (RuntimeException e) {
                continue;
            }
            ObjectNode device = devices.get(id.identifier());
            if (!id.algorithm().equals("ed25519") || device == null || !signature.getValue().isTextual()) {
                continue;
            }
            VerifyKey key;
            try {
                key = KeyJson.ed25519((ObjectNode) device.get("keys"), id, "device_keys");
            } catch (MatrixException e) {
                continue;
            }
            ObjectNode single = signed.deepCopy();
            single.putObject("signatures").putObject(me.value()).put(id.toString(), signature.getValue().textValue());
            if (!KeyJson.signed(single, me, key)) {
                return Optional.of(new Failure("M_INVALID_SIGNATURE", "invalid signature by " + id));
            }
            KeyStore.putSignature(c, me, keyId, me, id.toString(), signature.getValue().textValue());
            kept++;
        }
        return kept > 0 ? Optional.empty()
                : Optional.of(new Failure("M_INVALID_SIGNATURE", "no signature by one of the user's devices"));
    }

    /** Whether the signed object is the stored key (ignoring signatures and unsigned). */
    private static boolean sameKey(ObjectNode stored, ObjectNode signed) {
        ObjectNode a = stored.deepCopy();
        ObjectNode b = signed.deepCopy();
        for (ObjectNode o : new ObjectNode[] {a, b}) {
            o.remove("signatures");
            o.remove("unsigned");
        }
        return a.equals(b);
    }

    private static dev.starling.protocol.id.DeviceId deviceId(String keyId) {
        try {
            return dev.starling.protocol.id.DeviceId.parse(keyId);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
