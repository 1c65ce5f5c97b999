package dev.starling.server.todevice;

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
import java.util.List;

/** The to-device tables of migration V3, as static JDBC helpers that run in a caller's transaction. */
public final class ToDeviceStore {
    private ToDeviceStore() {}

    /** A message waiting in a device's inbox. */
    record Message(long position, UserId sender, String type, ObjectNode content) {}

    /** A message to store: recipient device, sender, type, content. */
    record Outgoing(UserId user, DeviceId device, UserId sender, String type, ObjectNode content) {}

    /** Records the transaction ID; false when the device already used it (the request is a retry). */
    static boolean recordTxn(Connection c, UserId user, DeviceId device, String txnId, long now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO to_device_txns (user_id, device_id, txn_id, created_ts) VALUES (?, ?, ?, ?)
                ON CONFLICT (user_id, device_id, txn_id) DO NOTHING""")) {
            s.setString(1, user.value());
            s.setString(2, device.value());
            s.setString(3, txnId);
            s.setLong(4, now);
            return s.executeUpdate() == 1;
        }
    }

    /**
     * A to-device message from a remote user (an inbound {@code m.direct_to_device} EDU), in a caller's
     * transaction: stored for the local user's device, or every device for {@code "*"}; returns how many.
     */
    public static int deliverRemote(Connection c, UserId sender, String type, UserId recipient, String device,
            ObjectNode content) throws SQLException {
        List<Outgoing> out = new ArrayList<>();
        for (DeviceId target : devices(c, recipient)) {
            if (device.equals(ToDeviceApi.ALL_DEVICES) || device.equals(target.value())) {
                out.add(new Outgoing(recipient, target, sender, type, content));
            }
        }
        store(c, out);
        return out.size();
    }

    /** Records a remote message ID once; false when it was seen (a retried transaction). */
    public static boolean recordRemoteMessage(Connection c, UserId sender, String messageId, long now)
            throws SQLException {
        return recordTxn(c, sender, DeviceId.parse("_federation"), messageId, now);
    }

    static List<DeviceId> devices(Connection c, UserId user) throws SQLException {
        List<DeviceId> devices = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT device_id FROM devices WHERE user_id = ?")) {
            s.setString(1, user.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    devices.add(DeviceId.parse(r.getString(1)));
                }
            }
        }
        return devices;
    }

    /** The {@link StreamChanges} key of the user's to-device inboxes (all their devices). */
    static Object changeKey(UserId user) {
        return new ChangeKey(user);
    }

    private record ChangeKey(UserId user) {}

    /** Stores the messages at consecutive new stream positions. */
    static void store(Connection c, List<Outgoing> messages) throws SQLException {
        if (messages.isEmpty()) {
            return;
        }
        long position = StreamPositions.take(c, messages.size());
        long last = position + messages.size() - 1;
        for (Outgoing m : messages) {
            StreamChanges.touch(changeKey(m.user()), last);
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO to_device_inbox (position, user_id, device_id, sender, type, content)
                VALUES (?, ?, ?, ?, ?, ?)""")) {
            for (Outgoing m : messages) {
                s.setLong(1, position++);
                s.setString(2, m.user().value());
                s.setString(3, m.device().value());
                s.setString(4, m.sender().value());
                s.setString(5, m.type());
                s.setString(6, CanonicalJson.encodeToString(m.content()));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /**
     * Deletes the messages a sync answered with next_batch at {@code tokenPosition} delivered: all up to that
     * position, or fewer if that answer hit the per-sync limit.
     */
    static void acknowledge(Connection c, UserId user, DeviceId device, long tokenPosition) throws SQLException {
        long upTo = tokenPosition;
        try (PreparedStatement s = c.prepareStatement("""
                SELECT delivered_up_to FROM to_device_deliveries
                WHERE user_id = ? AND device_id = ? AND token_position = ?""")) {
            s.setString(1, user.value());
            s.setString(2, device.value());
            s.setLong(3, tokenPosition);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    upTo = Math.min(upTo, r.getLong(1));
                }
            }
        }
        delete(c, "DELETE FROM to_device_inbox WHERE user_id = ? AND device_id = ? AND position <= ?", user, device,
                upTo);
        // Older tokens are not used again once a newer one is.
        delete(c, "DELETE FROM to_device_deliveries WHERE user_id = ? AND device_id = ? AND token_position < ?", user,
                device, tokenPosition);
    }

    /**
     * Whether a sync up to {@code upTo} has anything to do for the device: a message at or below it (to deliver
     * or to acknowledge; later ones are not committed yet when the sync reads) or a delivery record (to use or
     * clean up). When not, acknowledging and reading change nothing.
     */
    static boolean anythingFor(Connection c, UserId user, DeviceId device, long upTo) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT 1 FROM to_device_inbox WHERE user_id = ? AND device_id = ? AND position <= ?
                UNION ALL
                SELECT 1 FROM to_device_deliveries WHERE user_id = ? AND device_id = ?
                LIMIT 1""")) {
            s.setString(1, user.value());
            s.setString(2, device.value());
            s.setLong(3, upTo);
            s.setString(4, user.value());
            s.setString(5, device.value());
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** Up to {@code limit} messages of the device's inbox with positions at most {@code upTo}, oldest first. */
    static List<Message> read(Connection c, UserId user, DeviceId device, long upTo, int limit) throws SQLException {
        List<Message> messages = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT position, sender, type, content FROM to_device_inbox
                WHERE user_id = ? AND device_id = ? AND position <= ? ORDER BY position LIMIT ?""")) {
            s.setString(1, user.value());
            s.setString(2, device.value());
            s.setLong(3, upTo);
            s.setInt(4, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    messages.add(new Message(r.getLong(1), UserId.parse(r.getString(2)), r.getString(3),
                            CanonicalJson.parseObject(r.getString(4))));
                }
            }
        }
        return messages;
    }

    /** Records that the answer with next_batch at {@code tokenPosition} delivered messages only up to {@code upTo}. */
    static void recordPartialDelivery(Connection c, UserId user, DeviceId device, long tokenPosition, long upTo)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO to_device_deliveries (user_id, device_id, token_position, delivered_up_to)
                VALUES (?, ?, ?, ?) ON CONFLICT (user_id, device_id, token_position) DO NOTHING""")) {
            s.setString(1, user.value());
            s.setString(2, device.value());
            s.setLong(3, tokenPosition);
            s.setLong(4, upTo);
            s.executeUpdate();
        }
    }

    /** In a caller's transaction: deletes the device's pending messages and delivery records (device deleted). */
    public static void deleteInbox(Connection c, UserId user, DeviceId device) throws SQLException {
        delete(c, "DELETE FROM to_device_inbox WHERE user_id = ? AND device_id = ? AND position >= ?", user, device, 0);
        delete(c, "DELETE FROM to_device_deliveries WHERE user_id = ? AND device_id = ? AND token_position >= ?", user,
                device, 0);
    }

    private static void delete(Connection c, String sql, UserId user, DeviceId device, long position)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, user.value());
            s.setString(2, device.value());
            s.setLong(3, position);
            s.executeUpdate();
        }
    }
}
