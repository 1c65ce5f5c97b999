package dev.starling.server.users;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Devices ({@code devices}) and their access tokens ({@code access_tokens}, by {@link TokenHash} only).
 * A token always belongs to a device; deleting a device deletes its tokens in the same transaction.
 * Thread-safe; every method is one transaction.
 */
public final class DeviceStore {
    private static final String DEVICE_COLUMNS = "d.user_id, d.device_id, d.display_name, d.last_seen_ts";

    private final Database db;
    private final Clock clock;

    public DeviceStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@link #createDevice(UserId, DeviceId, String, TokenHash)} without a display name. */
    public Device createDevice(UserId userId, DeviceId deviceId, TokenHash token) {
        return create(userId, deviceId, null, token);
    }

    /**
     * Creates the device if the user has none with this ID (an existing device keeps its display name, as
     * when a client logs in again with its {@code device_id}) and gives it this access token, revoking any
     * token it had before, in one transaction.
     *
     * @throws UnknownUserException if the user does not exist or is deactivated
     */
    public Device createDevice(UserId userId, DeviceId deviceId, String displayName, TokenHash token) {
        return create(userId, deviceId, Objects.requireNonNull(displayName, "displayName"), token);
    }

    private Device create(UserId userId, DeviceId deviceId, String displayName, TokenHash token) {
        Objects.requireNonNull(token, "token");
        long now = clock.millis();
        try {
            return createInTransaction(userId, deviceId, displayName, token, now);
        } finally {
            TokenCache.revoked(); // a login on an existing device ID replaced its token
        }
    }

    private Device createInTransaction(UserId userId, DeviceId deviceId, String displayName, TokenHash token,
            long now) {
        return db.inTransaction(c -> {
            requireLiveUser(c, userId);
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO devices (user_id, device_id, display_name) VALUES (?, ?, ?)
                    ON CONFLICT (user_id, device_id) DO NOTHING""")) {
                s.setString(1, userId.value());
                s.setString(2, deviceId.value());
                s.setString(3, displayName);
                s.executeUpdate();
            }
            // Spec (POST /login, device_id): "the server will invalidate any access token previously
            // associated with that device".
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?")) {
                s.setString(1, userId.value());
                s.setString(2, deviceId.value());
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO access_tokens (token_hash, user_id, device_id, created_ts) VALUES (?, ?, ?, ?)""")) {
                s.setBytes(1, token.bytes());
                s.setString(2, userId.value());
                s.setString(3, deviceId.value());
                s.setLong(4, now);
                s.executeUpdate();
            }
            return find(c, userId, deviceId).orElseThrow();
        });
    }

    /** The device an access token belongs to: how every authenticated request finds its caller. */
    public Optional<Device> findByToken(TokenHash token) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + DEVICE_COLUMNS
                    + " FROM access_tokens t JOIN devices d ON d.user_id = t.user_id AND d.device_id = t.device_id"
                    + " WHERE t.token_hash = ?")) {
                s.setBytes(1, token.bytes());
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(device(r)) : Optional.empty();
                }
            }
        });
    }

    public Optional<Device> get(UserId userId, DeviceId deviceId) {
        return db.read(c -> find(c, userId, deviceId));
    }

    /** The user's devices, ordered by device ID. */
    public List<Device> list(UserId userId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + DEVICE_COLUMNS
                    + " FROM devices d WHERE d.user_id = ? ORDER BY d.device_id")) {
                s.setString(1, userId.value());
                try (ResultSet r = s.executeQuery()) {
                    List<Device> devices = new ArrayList<>();
                    while (r.next()) {
                        devices.add(device(r));
                    }
                    return devices;
                }
            }
        });
    }

    /**
     * To be called after the commit of a transaction that removed access tokens by other means than this
     * store's instance methods (which call it themselves): from then on no request is authenticated by a token
     * read before it.
     */
    public static void tokensRevoked() {
        TokenCache.revoked();
    }

    /** Sets the display name; false if there is no such device. */
    public boolean rename(UserId userId, DeviceId deviceId, String displayName) {
        Objects.requireNonNull(displayName, "displayName");
        return updateDevice("UPDATE devices SET display_name = ? WHERE user_id = ? AND device_id = ?",
                displayName, userId, deviceId);
    }

    /** Records that the device made a request now; false if there is no such device. */
    public boolean markSeen(UserId userId, DeviceId deviceId) {
        long now = clock.millis();
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE devices SET last_seen_ts = ? WHERE user_id = ? AND device_id = ?")) {
                s.setLong(1, now);
                s.setString(2, userId.value());
                s.setString(3, deviceId.value());
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Deletes the device and all its access tokens; false if there was no such device. */
    public boolean delete(UserId userId, DeviceId deviceId) {
        try {
            return db.inTransaction(c -> deleteDevice(c, userId, deviceId));
        } finally {
            TokenCache.revoked();
        }
    }

    /**
     * Within a caller's transaction: deletes the device and its access tokens (so that other packages can
     * delete what belongs to the device in the same transaction); false if there was no such device. The caller
     * must call {@link #tokensRevoked()} after its commit (authenticated devices are kept in memory).
     */
    public static boolean deleteDevice(Connection c, UserId userId, DeviceId deviceId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?")) {
            s.setString(1, userId.value());
            s.setString(2, deviceId.value());
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM devices WHERE user_id = ? AND device_id = ?")) {
            s.setString(1, userId.value());
            s.setString(2, deviceId.value());
            return s.executeUpdate() == 1;
        }
    }

    /**
     * Deletes the user's devices among {@code deviceIds} (unknown ones are ignored), their tokens and, through
     * {@code removal}, what other areas keep for them — all in one transaction; returns how many were deleted.
     */
    public int deleteDevices(UserId userId, java.util.Collection<DeviceId> deviceIds, DeviceRemoval removal) {
        int deleted;
        try {
            deleted = db.inTransaction(c -> {
                int count = 0;
                for (DeviceId id : deviceIds) {
                    if (deleteDevice(c, userId, id)) {
                        removal.removing(c, userId, id);
                        count++;
                    }
                }
                return count;
            });
        } finally {
            TokenCache.revoked();
        }
        if (deleted > 0) {
            removal.removed(userId);
        }
        return deleted;
    }

    /** Deletes every device of the user and all their tokens ({@code /logout/all}); returns how many devices. */
    public int deleteAll(UserId userId) {
        try {
            return db.inTransaction(c -> deleteAllDevices(c, userId));
        } finally {
            TokenCache.revoked();
        }
    }

    /**
     * Within a caller's transaction: deletes the user's tokens and devices; returns how many devices. The caller
     * must call {@link #tokensRevoked()} after its commit.
     */
    static int deleteAllDevices(Connection c, UserId userId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM access_tokens WHERE user_id = ?")) {
            s.setString(1, userId.value());
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM devices WHERE user_id = ?")) {
            s.setString(1, userId.value());
            return s.executeUpdate();
        }
    }

    private boolean updateDevice(String sql, String value, UserId userId, DeviceId deviceId) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, value);
                s.setString(2, userId.value());
                s.setString(3, deviceId.value());
                return s.executeUpdate() == 1;
            }
        });
    }

    private static Optional<Device> find(Connection c, UserId userId, DeviceId deviceId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + DEVICE_COLUMNS
                + " FROM devices d WHERE d.user_id = ? AND d.device_id = ?")) {
            s.setString(1, userId.value());
            s.setString(2, deviceId.value());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(device(r)) : Optional.empty();
            }
        }
    }

    private static Device device(ResultSet r) throws SQLException {
        long lastSeen = r.getLong(4);
        OptionalLong lastSeenTs = r.wasNull() ? OptionalLong.empty() : OptionalLong.of(lastSeen);
        return new Device(new UserId(r.getString(1)), new DeviceId(r.getString(2)),
                Optional.ofNullable(r.getString(3)), lastSeenTs);
    }

    private static void requireLiveUser(Connection c, UserId userId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT deactivated FROM users WHERE user_id = ?")) {
            s.setString(1, userId.value());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new UnknownUserException(userId, false);
                }
                if (r.getBoolean(1)) {
                    throw new UnknownUserException(userId, true);
                }
            }
        }
    }
}
