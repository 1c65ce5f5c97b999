package dev.starling.server.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.storage.StreamChanges;
import dev.starling.server.storage.StreamPositions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The key tables of migration V3 (device keys, one-time and fallback keys, cross-signing keys, signatures,
 * device-list changes), as static JDBC helpers that run in a caller's transaction.
 */
public final class KeyStore {
    /** The cross-signing key types, as stored. */
    public static final String MASTER = "master";
    public static final String SELF_SIGNING = "self_signing";
    public static final String USER_SIGNING = "user_signing";

    private KeyStore() {}

    /** A signature from {@code key_signatures}. */
    record Signature(String targetKeyId, UserId signer, String signerKeyId, String signature) {}

    /** A claimed key: its full ID ({@code algorithm:id}) and JSON value. */
    record ClaimedKey(String keyId, JsonNode value) {}

    static Optional<ObjectNode> deviceKeys(Connection c, UserId user, DeviceId device) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT json FROM device_keys WHERE user_id = ? AND device_id = ?")) {
            s.setString(1, user.value());
            s.setString(2, device.value());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(CanonicalJson.parseObject(r.getString(1))) : Optional.empty();
            }
        }
    }

    /** Every device of the user that has uploaded keys, by device ID. */
    static Map<String, ObjectNode> allDeviceKeys(Connection c, UserId user) throws SQLException {
        Map<String, ObjectNode> keys = new TreeMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT device_id, json FROM device_keys WHERE user_id = ?")) {
            s.setString(1, user.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    keys.put(r.getString(1), CanonicalJson.parseObject(r.getString(2)));
                }
            }
        }
        return keys;
    }

    static void putDeviceKeys(Connection c, UserId user, DeviceId device, ObjectNode json) throws SQLException {
        update(c, "DELETE FROM device_keys WHERE user_id = ? AND device_id = ?", user.value(), device.value());
        update(c, "INSERT INTO device_keys (user_id, device_id, json) VALUES (?, ?, ?)", user.value(), device.value(),
                CanonicalJson.encodeToString(json));
    }

    /** The stored JSON of a one-time key, if the device has one with this ID. */
    static Optional<String> oneTimeKey(Connection c, UserId user, DeviceId device, String algorithm, String keyId)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT json FROM one_time_keys WHERE user_id = ? AND device_id = ? AND algorithm = ? AND key_id = ?""")) {
            s.setString(1, user.value());
            s.setString(2, device.value());
            s.setString(3, algorithm);
            s.setString(4, keyId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    static void addOneTimeKey(Connection c, UserId user, DeviceId device, String algorithm, String keyId, JsonNode value)
            throws SQLException {
        update(c, "INSERT INTO one_time_keys (user_id, device_id, algorithm, key_id, json) VALUES (?, ?, ?, ?, ?)",
                user.value(), device.value(), algorithm, keyId, CanonicalJson.encodeToString(value));
        countsChanged(c, user, device);
    }

    /** How many unclaimed one-time keys the device has, by algorithm. */
    static Map<String, Integer> oneTimeKeyCounts(Connection c, UserId user, DeviceId device) throws SQLException {
        Map<String, Integer> counts = new TreeMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT algorithm, COUNT(*) FROM one_time_keys WHERE user_id = ? AND device_id = ? GROUP BY algorithm""")) {
            s.setString(1, user.value());
            s.setString(2, device.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    counts.put(r.getString(1), r.getInt(2));
                }
            }
        }
        return counts;
    }

    /**
     * Takes one one-time key of the algorithm: deleted in this transaction, so two claims never get the same key
     * (a concurrent claim that lost the row deletes nothing and tries the next key).
     */
    static Optional<ClaimedKey> claimOneTimeKey(Connection c, UserId user, DeviceId device, String algorithm)
            throws SQLException {
        for (int attempt = 0; attempt < 10; attempt++) {
            String keyId;
            String json;
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT key_id, json FROM one_time_keys WHERE user_id = ? AND device_id = ? AND algorithm = ?
                    ORDER BY key_id LIMIT 1""")) {
                s.setString(1, user.value());
                s.setString(2, device.value());
                s.setString(3, algorithm);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    keyId = r.getString(1);
                    json = r.getString(2);
                }
            }
            if (update(c, "DELETE FROM one_time_keys WHERE user_id = ? AND device_id = ? AND algorithm = ? AND key_id = ?",
                    user.value(), device.value(), algorithm, keyId) == 1) {
                countsChanged(c, user, device);
                return Optional.of(new ClaimedKey(algorithm + ":" + keyId, CanonicalJson.parse(json)));
            }
        }
        return Optional.empty();
    }

    /** The device's fallback key of the algorithm, marked used. */
    static Optional<ClaimedKey> claimFallbackKey(Connection c, UserId user, DeviceId device, String algorithm)
            throws SQLException {
        Optional<ClaimedKey> key = fallbackKey(c, user, device, algorithm).map(f -> new ClaimedKey(
                algorithm + ":" + f.keyId(), CanonicalJson.parse(f.json())));
        if (key.isPresent()) {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE fallback_keys SET used = ? WHERE user_id = ? AND device_id = ? AND algorithm = ?")) {
                s.setBoolean(1, true);
                s.setString(2, user.value());
                s.setString(3, device.value());
                s.setString(4, algorithm);
                s.executeUpdate();
            }
            countsChanged(c, user, device);
        }
        return key;
    }

    record FallbackKey(String keyId, String json, boolean used) {}

    static Optional<FallbackKey> fallbackKey(Connection c, UserId user, DeviceId device, String algorithm)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT key_id, json, used FROM fallback_keys WHERE user_id = ? AND device_id = ? AND algorithm = ?""")) {
            s.setString(1, user.value());
            s.setString(2, device.value());
            s.setString(3, algorithm);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new FallbackKey(r.getString(1), r.getString(2), r.getBoolean(3)))
                        : Optional.empty();
            }
        }
    }

    /** Sets the device's fallback key of the algorithm, unused; the same key uploaded again keeps its state. */
    static void putFallbackKey(Connection c, UserId user, DeviceId device, String algorithm, String keyId,
            JsonNode value) throws SQLException {
        String json = CanonicalJson.encodeToString(value);
        Optional<FallbackKey> existing = fallbackKey(c, user, device, algorithm);
        if (existing.isPresent() && existing.get().keyId().equals(keyId) && existing.get().json().equals(json)) {
            return;
        }
        update(c, "DELETE FROM fallback_keys WHERE user_id = ? AND device_id = ? AND algorithm = ?", user.value(),
                device.value(), algorithm);
        countsChanged(c, user, device);
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO fallback_keys (user_id, device_id, algorithm, key_id, json, used) VALUES (?, ?, ?, ?, ?, ?)""")) {
            s.setString(1, user.value());
            s.setString(2, device.value());
            s.setString(3, algorithm);
            s.setString(4, keyId);
            s.setString(5, json);
            s.setBoolean(6, false);
            s.executeUpdate();
        }
    }

    static List<String> unusedFallbackKeyTypes(Connection c, UserId user, DeviceId device) throws SQLException {
        List<String> types = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT algorithm FROM fallback_keys WHERE user_id = ? AND device_id = ? AND used = ? ORDER BY algorithm""")) {
            s.setString(1, user.value());
            s.setString(2, device.value());
            s.setBoolean(3, false);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    types.add(r.getString(1));
                }
            }
        }
        return types;
    }

    static Optional<ObjectNode> crossSigningKey(Connection c, UserId user, String type) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT json FROM cross_signing_keys WHERE user_id = ? AND key_type = ?")) {
            s.setString(1, user.value());
            s.setString(2, type);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(CanonicalJson.parseObject(r.getString(1))) : Optional.empty();
            }
        }
    }

    static void putCrossSigningKey(Connection c, UserId user, String type, ObjectNode json) throws SQLException {
        update(c, "DELETE FROM cross_signing_keys WHERE user_id = ? AND key_type = ?", user.value(), type);
        update(c, "INSERT INTO cross_signing_keys (user_id, key_type, json) VALUES (?, ?, ?)", user.value(), type,
                CanonicalJson.encodeToString(json));
    }

    static void putSignature(Connection c, UserId target, String targetKeyId, UserId signer, String signerKeyId,
            String signature) throws SQLException {
        update(c, "DELETE FROM key_signatures WHERE target_user = ? AND target_key_id = ? AND signer_user = ?"
                + " AND signer_key_id = ?", target.value(), targetKeyId, signer.value(), signerKeyId);
        update(c, "INSERT INTO key_signatures (target_user, target_key_id, signer_user, signer_key_id, signature)"
                + " VALUES (?, ?, ?, ?, ?)", target.value(), targetKeyId, signer.value(), signerKeyId, signature);
    }

    /** The uploaded signatures of the user's keys that {@code viewer} may see: the owner's own, and the viewer's. */
    static List<Signature> signatures(Connection c, UserId target, UserId viewer) throws SQLException {
        List<Signature> signatures = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT target_key_id, signer_user, signer_key_id, signature FROM key_signatures
                WHERE target_user = ? AND (signer_user = ? OR signer_user = ?)""")) {
            s.setString(1, target.value());
            s.setString(2, target.value());
            s.setString(3, viewer.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    signatures.add(new Signature(r.getString(1), UserId.parse(r.getString(2)), r.getString(3),
                            r.getString(4)));
                }
            }
        }
        return signatures;
    }

    /**
     * The {@link StreamChanges} key of one device's one-time and fallback keys: every write of them takes a
     * stream position and touches it in its transaction ({@link #countsChanged}), so /sync can keep the counts.
     */
    static Object countsKey(UserId user, DeviceId device) {
        return new CountsKey(user.value(), device.value());
    }

    private record CountsKey(String user, String device) {}

    /** Records, in a caller's transaction, that the device's one-time or fallback keys changed. */
    static void countsChanged(Connection c, UserId user, DeviceId device) throws SQLException {
        StreamChanges.touch(countsKey(user, device), StreamPositions.next(c));
    }

    /** The {@link StreamChanges} key of every user's device-list changes ({@code device_list_changes}). */
    static final Object DEVICE_LISTS = new Object() {
        @Override
        public String toString() {
            return "device_lists";
        }
    };

    /** Records that the user's devices or cross-signing keys changed, at a new stream position. */
    static long recordChange(Connection c, UserId user) throws SQLException {
        long position = StreamPositions.next(c);
        StreamChanges.touch(DEVICE_LISTS, position);
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO device_list_changes (position, user_id) VALUES (?, ?)")) {
            s.setLong(1, position);
            s.setString(2, user.value());
            s.executeUpdate();
        }
        return position;
    }

    /** The users whose keys changed with {@code after < position <= upTo}. */
    static Set<UserId> changedUsers(Connection c, long after, long upTo) throws SQLException {
        Set<UserId> users = new LinkedHashSet<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT DISTINCT user_id FROM device_list_changes WHERE position > ? AND position <= ?""")) {
            s.setLong(1, after);
            s.setLong(2, upTo);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    users.add(UserId.parse(r.getString(1)));
                }
            }
        }
        return users;
    }

    /**
     * In a caller's transaction: deletes every key of the device and the signatures of it, and records the
     * change of the user's device list (a deleted device must disappear from other users' views).
     */
    public static void deleteDeviceKeys(Connection c, UserId user, DeviceId device) throws SQLException {
        String[] params = {user.value(), device.value()};
        update(c, "DELETE FROM device_keys WHERE user_id = ? AND device_id = ?", (Object[]) params);
        update(c, "DELETE FROM one_time_keys WHERE user_id = ? AND device_id = ?", (Object[]) params);
        update(c, "DELETE FROM fallback_keys WHERE user_id = ? AND device_id = ?", (Object[]) params);
        countsChanged(c, user, device);
        update(c, "DELETE FROM key_signatures WHERE target_user = ? AND target_key_id = ?", (Object[]) params);
        recordChange(c, user);
    }

    /** Records a change of the user's device list (a device renamed or deleted), in a caller's transaction. */
    public static void deviceListChanged(Connection c, UserId user) throws SQLException {
        recordChange(c, user);
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            return s.executeUpdate();
        }
    }
}
