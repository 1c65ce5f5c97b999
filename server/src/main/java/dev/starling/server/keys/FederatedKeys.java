package dev.starling.server.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys of local users as other servers see them (Server-Server API § End-to-End Encryption): the answers
 * of {@code /user/devices}, {@code /user/keys/query} and {@code /user/keys/claim}, the content of outbound
 * device-list and signing-key EDUs, and marking a remote user's device list changed. Thread-safe.
 */
public final class FederatedKeys {
    private final ServerName serverName;
    private final Database db;
    private final KeyQueries queries;

    public FederatedKeys(ServerName serverName, Database db) {
        this.serverName = serverName;
        this.db = db;
        this.queries = new KeyQueries(serverName, db);
    }

    /** A device of a local user as an {@code m.device_list_update} and {@code /user/devices} describe it. */
    public record Device(String deviceId, Optional<String> displayName, Optional<ObjectNode> keys) {}

    /** The user's devices with their keys, in device ID order. */
    public static List<Device> devices(Connection c, UserId user) throws SQLException {
        List<Device> devices = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT d.device_id, d.display_name, k.json FROM devices d
                LEFT JOIN device_keys k ON k.user_id = d.user_id AND k.device_id = d.device_id
                WHERE d.user_id = ? ORDER BY d.device_id""")) {
            s.setString(1, user.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    devices.add(new Device(r.getString(1), Optional.ofNullable(r.getString(2)),
                            Optional.ofNullable(r.getString(3)).map(CanonicalJson::parseObject)));
                }
            }
        }
        return devices;
    }

    /** The user's master and self-signing keys as stored (the user-signing key is never shared). */
    public static Optional<ObjectNode> crossSigningKey(Connection c, UserId user, boolean master) throws SQLException {
        return KeyStore.crossSigningKey(c, user, master ? KeyStore.MASTER : KeyStore.SELF_SIGNING);
    }

    /** The position of the user's latest device-list change at or before {@code upTo}, 0 if none. */
    public static long changeBefore(Connection c, UserId user, long upTo) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT MAX(position) FROM device_list_changes WHERE user_id = ? AND position <= ?")) {
            s.setString(1, user.value());
            s.setLong(2, upTo);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : 0;
            }
        }
    }

    /** The local users whose device lists changed with {@code after < position <= upTo}, with their positions. */
    public static List<Map.Entry<Long, UserId>> changes(Connection c, long after, long upTo) throws SQLException {
        List<Map.Entry<Long, UserId>> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT position, user_id FROM device_list_changes WHERE position > ? AND position <= ?
                ORDER BY position""")) {
            s.setLong(1, after);
            s.setLong(2, upTo);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(Map.entry(r.getLong(1), UserId.parse(r.getString(2))));
                }
            }
        }
        return out;
    }

    /**
     * A remote user's devices changed (an inbound {@code m.device_list_update} or {@code m.signing_key_update}):
     * local users sharing a room with them see the user in {@code device_lists.changed} and query again.
     */
    public static void remoteDevicesChanged(Connection c, UserId remote) throws SQLException {
        KeyStore.recordChange(c, remote);
    }

    /** GET /user/devices/{userId}'s answer for a local user. */
    public ObjectNode userDevices(UserId user) {
        return db.read(c -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("user_id", user.value());
            out.put("stream_id", changeBefore(c, user, Long.MAX_VALUE));
            var array = out.putArray("devices");
            for (Device device : devices(c, user)) {
                ObjectNode d = array.addObject();
                d.put("device_id", device.deviceId());
                device.displayName().ifPresent(name -> d.put("device_display_name", name));
                d.set("keys", device.keys().orElse(JsonNodeFactory.instance.objectNode()));
            }
            crossSigningKey(c, user, true).ifPresent(k -> out.set("master_key", k));
            crossSigningKey(c, user, false).ifPresent(k -> out.set("self_signing_key", k));
            return out;
        });
    }

    /**
     * POST /user/keys/query's answer: device keys, master and self-signing keys of the local users asked for
     * (users of other servers and malformed entries are left out).
     */
    public ObjectNode query(ObjectNode wanted) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode deviceKeys = out.putObject("device_keys");
        ObjectNode master = out.putObject("master_keys");
        ObjectNode selfSigning = out.putObject("self_signing_keys");
        for (Map.Entry<String, JsonNode> user : wanted.properties()) {
            UserId userId;
            try {
                userId = UserId.parse(user.getKey());
            } catch (InvalidIdentifierException e) {
                continue;
            }
            if (!userId.server().equals(serverName) || !user.getValue().isArray()) {
                continue;
            }
            ObjectNode one = JsonNodeFactory.instance.objectNode();
            var devices = one.putArray(userId.value());
            user.getValue().forEach(d -> {
                if (d.isTextual()) {
                    devices.add(d.textValue());
                }
            });
            // The owner's own signatures only: the requester is not a user.
            ObjectNode answer = queries.query(userId, one);
            deviceKeys.set(userId.value(), answer.path("device_keys").path(userId.value()));
            if (answer.path("master_keys").has(userId.value())) {
                master.set(userId.value(), answer.path("master_keys").get(userId.value()));
            }
            if (answer.path("self_signing_keys").has(userId.value())) {
                selfSigning.set(userId.value(), answer.path("self_signing_keys").get(userId.value()));
            }
        }
        return out;
    }

    /** POST /user/keys/claim's answer: a one-time key per device asked for, else its fallback key. */
    public ObjectNode claim(ObjectNode wanted) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode claimed = out.putObject("one_time_keys");
        db.inTransaction(c -> {
            for (Map.Entry<String, JsonNode> user : wanted.properties()) {
                UserId userId;
                try {
                    userId = UserId.parse(user.getKey());
                } catch (InvalidIdentifierException e) {
                    continue;
                }
                if (!userId.server().equals(serverName) || !user.getValue().isObject()) {
                    continue;
                }
                for (Map.Entry<String, JsonNode> device : user.getValue().properties()) {
                    DeviceId deviceId;
                    try {
                        deviceId = DeviceId.parse(device.getKey());
                    } catch (InvalidIdentifierException e) {
                        continue;
                    }
                    if (!device.getValue().isTextual()) {
                        continue;
                    }
                    String algorithm = device.getValue().textValue();
                    Optional<KeyStore.ClaimedKey> key = KeyStore.claimOneTimeKey(c, userId, deviceId, algorithm);
                    if (key.isEmpty()) {
                        key = KeyStore.claimFallbackKey(c, userId, deviceId, algorithm);
                    }
                    key.ifPresent(k -> {
                        ObjectNode forUser = claimed.has(userId.value()) ? (ObjectNode) claimed.get(userId.value())
                                : claimed.putObject(userId.value());
                        forUser.putObject(device.getKey()).set(k.keyId(), k.value());
                    });
                }
            }
            return null;
        });
        return out;
    }
}
