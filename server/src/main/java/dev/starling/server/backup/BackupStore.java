package dev.starling.server.backup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The key backup tables of migration V3, as static JDBC helpers that run in a caller's transaction. */
final class BackupStore {
    private BackupStore() {}

    /** A backup version's metadata. */
    record Version(long version, String algorithm, ObjectNode authData, long etag) {}

    /** One backed-up Megolm session ({@code KeyBackupData}). */
    record Session(String roomId, String sessionId, long firstMessageIndex, long forwardedCount, boolean verified,
            ObjectNode sessionData) {
        /**
         * Whether this key should replace {@code existing} (spec § Server-side key backups, "Storing keys"):
         * a verified key beats an unverified one; then a lower first_message_index wins; then a lower
         * forwarded_count.
         */
        boolean betterThan(Session existing) {
            if (verified != existing.verified) {
                return verified;
            }
            if (firstMessageIndex != existing.firstMessageIndex) {
                return firstMessageIndex < existing.firstMessageIndex;
            }
            return forwardedCount < existing.forwardedCount;
        }
    }

    static long create(Connection c, UserId user, String algorithm, ObjectNode authData) throws SQLException {
        long version = 1;
        try (PreparedStatement s = c.prepareStatement("SELECT MAX(version) FROM room_key_backups WHERE user_id = ?")) {
            s.setString(1, user.value());
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    version = r.getLong(1) + 1;
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO room_key_backups (user_id, version, algorithm, auth_data, etag, deleted)
                VALUES (?, ?, ?, ?, ?, ?)""")) {
            s.setString(1, user.value());
            s.setLong(2, version);
            s.setString(3, algorithm);
            s.setString(4, CanonicalJson.encodeToString(authData));
            s.setLong(5, 0);
            s.setBoolean(6, false);
            s.executeUpdate();
        }
        return version;
    }

    /** The newest version that is not deleted. */
    static Optional<Version> current(Connection c, UserId user) throws SQLException {
        return one(c, "SELECT version, algorithm, auth_data, etag FROM room_key_backups WHERE user_id = ? AND deleted = ?"
                + " ORDER BY version DESC LIMIT 1", user, null);
    }

    /** The version if it exists and is not deleted. */
    static Optional<Version> get(Connection c, UserId user, long version) throws SQLException {
        return one(c, "SELECT version, algorithm, auth_data, etag FROM room_key_backups WHERE user_id = ? AND deleted = ?"
                + " AND version = ?", user, version);
    }

    private static Optional<Version> one(Connection c, String sql, UserId user, Long version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, user.value());
            s.setBoolean(2, false);
            if (version != null) {
                s.setLong(3, version);
            }
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new Version(r.getLong(1), r.getString(2),
                        CanonicalJson.parseObject(r.getString(3)), r.getLong(4))) : Optional.empty();
            }
        }
    }

    static void updateAuthData(Connection c, UserId user, long version, ObjectNode authData) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE room_key_backups SET auth_data = ? WHERE user_id = ? AND version = ?")) {
            s.setString(1, CanonicalJson.encodeToString(authData));
            s.setString(2, user.value());
            s.setLong(3, version);
            s.executeUpdate();
        }
    }

    static void markDeleted(Connection c, UserId user, long version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE room_key_backups SET deleted = ? WHERE user_id = ? AND version = ?")) {
            s.setBoolean(1, true);
            s.setString(2, user.value());
            s.setLong(3, version);
            s.executeUpdate();
        }
        deleteSessions(c, user, version, null, null);
    }

    static void bumpEtag(Connection c, UserId user, long version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE room_key_backups SET etag = etag + 1 WHERE user_id = ? AND version = ?")) {
            s.setString(1, user.value());
            s.setLong(2, version);
            s.executeUpdate();
        }
    }

    static long count(Connection c, UserId user, long version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT COUNT(*) FROM room_key_backup_sessions WHERE user_id = ? AND version = ?")) {
            s.setString(1, user.value());
            s.setLong(2, version);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** The sessions of the version, optionally of one room and one session. */
    static List<Session> sessions(Connection c, UserId user, long version, String roomId, String sessionId)
            throws SQLException {
        List<Session> sessions = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT room_id, session_id, first_message_index, forwarded_count, is_verified, session_data
                FROM room_key_backup_sessions WHERE user_id = ? AND version = ?"""
                + (roomId == null ? "" : " AND room_id = ?") + (sessionId == null ? "" : " AND session_id = ?")
                + " ORDER BY room_id, session_id")) {
            bind(s, user, version, roomId, sessionId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    sessions.add(new Session(r.getString(1), r.getString(2), r.getLong(3), r.getLong(4),
                            r.getBoolean(5), CanonicalJson.parseObject(r.getString(6))));
                }
            }
        }
        return sessions;
    }

    static void put(Connection c, UserId user, long version, Session session) throws SQLException {
        deleteSessions(c, user, version, session.roomId(), session.sessionId());
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO room_key_backup_sessions (user_id, version, room_id, session_id, first_message_index,
                    forwarded_count, is_verified, session_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setString(1, user.value());
            s.setLong(2, version);
            s.setString(3, session.roomId());
            s.setString(4, session.sessionId());
            s.setLong(5, session.firstMessageIndex());
            s.setLong(6, session.forwardedCount());
            s.setBoolean(7, session.verified());
            s.setString(8, CanonicalJson.encodeToString(session.sessionData()));
            s.executeUpdate();
        }
    }

    static int deleteSessions(Connection c, UserId user, long version, String roomId, String sessionId)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM room_key_backup_sessions WHERE user_id = ?"
                + " AND version = ?" + (roomId == null ? "" : " AND room_id = ?")
                + (sessionId == null ? "" : " AND session_id = ?"))) {
            bind(s, user, version, roomId, sessionId);
            return s.executeUpdate();
        }
    }

    private static void bind(PreparedStatement s, UserId user, long version, String roomId, String sessionId)
            throws SQLException {
        int i = 1;
        s.setString(i++, user.value());
        s.setLong(i++, version);
        if (roomId != null) {
            s.setString(i++, roomId);
        }
        if (sessionId != null) {
            s.setString(i, sessionId);
        }
    }
}
