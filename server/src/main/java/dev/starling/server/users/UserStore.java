package dev.starling.server.users;

import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/** Accounts in the {@code users} table. Thread-safe; every method is one transaction. */
public final class UserStore {
    private final Database db;
    private final Clock clock;

    public UserStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates an account that logs in with a password.
     *
     * @param passwordHash the Argon2id PHC string (never the password)
     * @throws UserExistsException if the ID is taken; of concurrent creations of one ID exactly one wins
     */
    public User create(UserId userId, String passwordHash, boolean admin) {
        return insert(userId, Objects.requireNonNull(passwordHash, "passwordHash"), admin);
    }

    /** Creates an account with no password (it logs in by other means, e.g. an appservice or SSO). */
    public User createWithoutPassword(UserId userId, boolean admin) {
        return insert(userId, null, admin);
    }

    private User insert(UserId userId, String passwordHash, boolean admin) {
        User user = new User(userId, clock.millis(), false, admin);
        // ON CONFLICT DO NOTHING rather than catching the violation: the same code on both databases,
        // and a PostgreSQL transaction is not left aborted.
        int inserted = db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO users (user_id, password_hash, created_ts, deactivated, is_admin)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING""")) {
                s.setString(1, userId.value());
                if (passwordHash == null) {
                    s.setNull(2, Types.VARCHAR);
                } else {
                    s.setString(2, passwordHash);
                }
                s.setLong(3, user.createdTs());
                s.setBoolean(4, false);
                s.setBoolean(5, admin);
                return s.executeUpdate();
            }
        });
        if (inserted == 0) {
            throw new UserExistsException(userId);
        }
        return user;
    }

    public Optional<User> get(UserId userId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT created_ts, deactivated, is_admin FROM users WHERE user_id = ?")) {
                s.setString(1, userId.value());
                try (ResultSet r = s.executeQuery()) {
                    return r.next()
                            ? Optional.of(new User(userId, r.getLong(1), r.getBoolean(2), r.getBoolean(3)))
                            : Optional.empty();
                }
            }
        });
    }

    /** True when the ID is taken, by a live or a deactivated account. */
    public boolean exists(UserId userId) {
        return get(userId).isPresent();
    }

    /** The stored password hash; empty if the user is unknown, deactivated or has no password. */
    public Optional<String> passwordHash(UserId userId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT password_hash FROM users WHERE user_id = ? AND deactivated = ?")) {
                s.setString(1, userId.value());
                s.setBoolean(2, false);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** Replaces the password hash; false if there is no such live user. */
    public boolean setPasswordHash(UserId userId, String passwordHash) {
        Objects.requireNonNull(passwordHash, "passwordHash");
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE users SET password_hash = ? WHERE user_id = ? AND deactivated = ?")) {
                s.setString(1, passwordHash);
                s.setString(2, userId.value());
                s.setBoolean(3, false);
                return s.executeUpdate() == 1;
            }
        });
    }

    /**
     * Deactivates the account in one transaction: it can no longer log in (its password hash is removed)
     * and every device and access token is deleted. The ID stays taken. False if there is no such live user.
     */
    public boolean deactivate(UserId userId) {
        try {
            return deactivateInTransaction(userId);
        } finally {
            TokenCache.revoked();
        }
    }

    private boolean deactivateInTransaction(UserId userId) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE users SET deactivated = ?, password_hash = NULL
                    WHERE user_id = ? AND deactivated = ?""")) {
                s.setBoolean(1, true);
                s.setString(2, userId.value());
                s.setBoolean(3, false);
                if (s.executeUpdate() == 0) {
                    return false;
                }
            }
            DeviceStore.deleteAllDevices(c, userId);
            return true;
        });
    }
}
