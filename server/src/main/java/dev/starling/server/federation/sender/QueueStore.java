package dev.starling.server.federation.sender;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The outbound queue tables of migration V13, as static JDBC helpers that run in a caller's transaction. */
final class QueueStore {
    private QueueStore() {}

    /** A destination's backoff state. */
    record DestinationState(int retryCount, long nextAttemptTs, long lastTxnId) {
        static final DestinationState FRESH = new DestinationState(0, 0, 0);
    }

    /** A queued PDU: its event ID and its canonical JSON. */
    record QueuedPdu(String eventId, String json) {}

    /** A queued durable EDU. */
    record QueuedEdu(long id, String type, ObjectNode content) {}

    static long cursor(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT position FROM federation_outbound_cursors WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : 0;
            }
        }
    }

    static void setCursor(Connection c, String name, long position) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE federation_outbound_cursors SET position = ? WHERE name = ? AND position < ?")) {
            s.setLong(1, position);
            s.setString(2, name);
            s.setLong(3, position);
            s.executeUpdate();
        }
    }

    static void queuePdu(Connection c, ServerName destination, String eventId, long streamOrdering)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO federation_queued_pdus (destination, event_id, stream_ordering) VALUES (?, ?, ?)
                ON CONFLICT (destination, event_id) DO NOTHING""")) {
            s.setString(1, destination.value());
            s.setString(2, eventId);
            s.setLong(3, streamOrdering);
            s.executeUpdate();
        }
    }

    static void queueEdu(Connection c, ServerName destination, String type, ObjectNode content) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO federation_queued_edus (destination, edu_type, content) VALUES (?, ?, ?)")) {
            s.setString(1, destination.value());
            s.setString(2, type);
            s.setString(3, CanonicalJson.encodeToString(content));
            s.executeUpdate();
        }
    }

    /** The oldest queued PDUs of the destination, at most {@code limit}, in stream order. */
    static List<QueuedPdu> pdus(Connection c, ServerName destination, int limit) throws SQLException {
        List<QueuedPdu> pdus = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT q.event_id, e.json FROM federation_queued_pdus q JOIN events e ON e.event_id = q.event_id
                WHERE q.destination = ? ORDER BY q.stream_ordering LIMIT ?""")) {
            s.setString(1, destination.value());
            s.setInt(2, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    pdus.add(new QueuedPdu(r.getString(1), r.getString(2)));
                }
            }
        }
        return pdus;
    }

    static List<QueuedEdu> edus(Connection c, ServerName destination, int limit) throws SQLException {
        List<QueuedEdu> edus = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT id, edu_type, content FROM federation_queued_edus WHERE destination = ? ORDER BY id LIMIT ?""")) {
            s.setString(1, destination.value());
            s.setInt(2, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    edus.add(new QueuedEdu(r.getLong(1), r.getString(2),
                            CanonicalJson.parseObject(r.getString(3).getBytes(StandardCharsets.UTF_8))));
                }
            }
        }
        return edus;
    }

    /** Deletes what a destination acknowledged. */
    static void delete(Connection c, ServerName destination, List<QueuedPdu> pdus, List<QueuedEdu> edus)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM federation_queued_pdus WHERE destination = ? AND event_id = ?")) {
            for (QueuedPdu pdu : pdus) {
                s.setString(1, destination.value());
                s.setString(2, pdu.eventId());
                s.addBatch();
            }
            if (!pdus.isEmpty()) {
                s.executeBatch();
            }
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM federation_queued_edus WHERE id = ?")) {
            for (QueuedEdu edu : edus) {
                s.setLong(1, edu.id());
                s.addBatch();
            }
            if (!edus.isEmpty()) {
                s.executeBatch();
            }
        }
    }

    static DestinationState state(Connection c, ServerName destination) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT retry_count, next_attempt_ts, last_txn_id FROM federation_destinations WHERE destination = ?""")) {
            s.setString(1, destination.value());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? new DestinationState(r.getInt(1), r.getLong(2), r.getLong(3)) : DestinationState.FRESH;
            }
        }
    }

    static void putState(Connection c, ServerName destination, DestinationState state) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO federation_destinations (destination, retry_count, next_attempt_ts, last_txn_id)
                VALUES (?, ?, ?, ?) ON CONFLICT (destination) DO UPDATE SET retry_count = excluded.retry_count,
                    next_attempt_ts = excluded.next_attempt_ts, last_txn_id = excluded.last_txn_id""")) {
            s.setString(1, destination.value());
            s.setInt(2, state.retryCount());
            s.setLong(3, state.nextAttemptTs());
            s.setLong(4, state.lastTxnId());
            s.executeUpdate();
        }
    }

    /** Clears the backoff of a destination that contacted us (a no-op for one we never failed to reach). */
    static void resetBackoff(Connection c, ServerName destination) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE federation_destinations SET retry_count = 0, next_attempt_ts = 0
                WHERE destination = ? AND (retry_count > 0 OR next_attempt_ts > 0)""")) {
            s.setString(1, destination.value());
            s.executeUpdate();
        }
    }

    /** The devices of the local user announced last (table {@code federation_announced_devices}). */
    static java.util.Set<String> announcedDevices(Connection c, dev.starling.protocol.id.UserId user) throws SQLException {
        java.util.Set<String> devices = new java.util.TreeSet<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT device_id FROM federation_announced_devices WHERE user_id = ?")) {
            s.setString(1, user.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    devices.add(r.getString(1));
                }
            }
        }
        return devices;
    }

    static void setAnnouncedDevices(Connection c, dev.starling.protocol.id.UserId user, List<String> devices)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM federation_announced_devices WHERE user_id = ?")) {
            s.setString(1, user.value());
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO federation_announced_devices (user_id, device_id) VALUES (?, ?)")) {
            for (String device : devices) {
                s.setString(1, user.value());
                s.setString(2, device);
                s.addBatch();
            }
            if (!devices.isEmpty()) {
                s.executeBatch();
            }
        }
    }

    /** Every destination with something queued (to resume after a restart). */
    static List<ServerName> destinationsWithWork(Connection c) throws SQLException {
        List<ServerName> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT destination FROM federation_queued_pdus UNION SELECT destination FROM federation_queued_edus""");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(ServerName.parse(r.getString(1)));
            }
        }
        return out;
    }
}
