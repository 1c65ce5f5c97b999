package dev.starling.server.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.http.MatrixException;
import dev.starling.server.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * POST /keys/query's answer: device keys with their display names, cross-signing keys, and the signatures
 * uploaded for them that the requester may see (the owner's own and the requester's).
 */
final class KeyQueries {
    private final ServerName serverName;
    private final Database db;

    KeyQueries(ServerName serverName, Database db) {
        this.serverName = serverName;
        this.db = db;
    }

    ObjectNode query(UserId requester, ObjectNode wanted) {
        wanted.properties().forEach(user -> {
            KeyJson.userId(user.getKey(), "device_keys");
            if (!user.getValue().isArray()) {
                throw MatrixException.badJson("device_keys." + user.getKey() + " must be an array of device IDs");
            }
            user.getValue().forEach(d -> {
                if (!d.isTextual()) {
                    throw MatrixException.badJson("device IDs must be strings");
                }
            });
        });
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode deviceKeys = out.putObject("device_keys");
        ObjectNode failures = out.putObject("failures");
        ObjectNode master = out.putObject("master_keys");
        ObjectNode selfSigning = out.putObject("self_signing_keys");
        ObjectNode userSigning = out.putObject("user_signing_keys");
        db.read(c -> {
            for (Map.Entry<String, JsonNode> user : wanted.properties()) {
                UserId userId = UserId.parse(user.getKey());
                if (!userId.server().equals(serverName)) {
                    failures.putObject(userId.server().value()).put("error", "federation is not supported yet");
                    continue;
                }
                Set<String> devices = new HashSet<>();
                user.getValue().forEach(d -> devices.add(d.textValue()));
                List<KeyStore.Signature> signatures = KeyStore.signatures(c, userId, requester);
                ObjectNode forUser = deviceKeys.putObject(userId.value());
                readDevices(c, userId, devices, signatures, forUser);
                KeyStore.crossSigningKey(c, userId, KeyStore.MASTER)
                        .ifPresent(k -> master.set(userId.value(), withSignatures(k, publicKey(k), signatures)));
                KeyStore.crossSigningKey(c, userId, KeyStore.SELF_SIGNING)
                        .ifPresent(k -> selfSigning.set(userId.value(), k));
                if (userId.equals(requester)) {
                    KeyStore.crossSigningKey(c, userId, KeyStore.USER_SIGNING)
                            .ifPresent(k -> userSigning.set(userId.value(), k));
                }
            }
            return null;
        });
        return out;
    }

    private static void readDevices(Connection c, UserId user, Set<String> only, List<KeyStore.Signature> signatures,
            ObjectNode into) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT k.device_id, k.json, d.display_name FROM device_keys k
                JOIN devices d ON d.user_id = k.user_id AND d.device_id = k.device_id
                WHERE k.user_id = ? ORDER BY k.device_id""")) {
            s.setString(1, user.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String device = r.getString(1);
                    if (!only.isEmpty() && !only.contains(device)) {
                        continue;
                    }
                    ObjectNode keys = withSignatures(CanonicalJson.parseObject(r.getString(2)), device, signatures);
                    if (r.getString(3) != null) {
                        keys.putObject("unsigned").put("device_display_name", r.getString(3));
                    }
                    into.set(device, keys);
                }
            }
        }
    }

    /** The public key of a cross-signing key (its one {@code keys} entry's value), or "" if malformed. */
    static String publicKey(ObjectNode crossSigningKey) {
        JsonNode keys = crossSigningKey.path("keys");
        return keys.isObject() && keys.size() == 1 ? keys.elements().next().asText("") : "";
    }

    /** The key with the uploaded signatures of {@code targetKeyId} merged into its {@code signatures}. */
    private static ObjectNode withSignatures(ObjectNode key, String targetKeyId, List<KeyStore.Signature> signatures) {
        ObjectNode copy = key.deepCopy();
        for (KeyStore.Signature signature : signatures) {
            if (!signature.targetKeyId().equals(targetKeyId)) {
                continue;
            }
            ObjectNode all = copy.has("signatures") && copy.get("signatures").isObject()
                    ? (ObjectNode) copy.get("signatures") : copy.putObject("signatures");
            String signer = signature.signer().value();
            ObjectNode bySigner = all.has(signer) && all.get(signer).isObject() ? (ObjectNode) all.get(signer)
                    : all.putObject(signer);
            bySigner.put(signature.signerKeyId(), signature.signature());
        }
        return copy;
    }
}
