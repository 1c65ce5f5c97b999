package dev.starling.server.federation.sender;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.keys.FederatedKeys;
import dev.starling.server.storage.Database;
import dev.starling.server.storage.StreamPositions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what local users did into queued work, reading the local streams after a durable cursor per stream
 * (table {@code federation_outbound_cursors}): locally created room events (to every other server with a joined
 * member, plus the target's server of a member event), {@code m.read} receipts of local users, and device-list
 * changes of local users ({@code m.device_list_update} per device and {@code m.signing_key_update}). Each item is
 * queued and its cursor advanced in one transaction, so a crash between the commit of an event and its queueing
 * loses nothing: the restart resumes from the cursor. Stream positions become visible in commit order, so
 * reading up to {@code StreamPositions.current} skips nothing. One virtual thread, woken after every local commit.
 */
final class OutboundStreams {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundStreams.class);
    static final String PDUS = "pdus";
    static final String RECEIPTS = "receipts";
    static final String DEVICE_LISTS = "device_lists";
    private static final int BATCH = 500;

    private final ServerName self;
    private final Database db;
    private final FederationSender sender;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition poked = lock.newCondition();
    private boolean pending = true;
    private boolean closed;
    private Thread thread;

    OutboundStreams(ServerName self, Database db, FederationSender sender) {
        this.self = self;
        this.db = db;
        this.sender = sender;
    }

    void start() {
        thread = Thread.ofVirtual().name("federation-outbound-streams").start(this::run);
    }

    void poke() {
        lock.lock();
        try {
            pending = true;
            poked.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the thread and waits (a few seconds at most) for it, so that no query runs after the database closes. */
    void close() {
        lock.lock();
        try {
            closed = true;
            poked.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            try {
                thread.join(java.time.Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        long seen = -1;
        while (true) {
            lock.lock();
            try {
                while (!pending && !closed) {
                    poked.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                pending = false;
            } finally {
                lock.unlock();
            }
            try {
                long upTo = db.read(StreamPositions::current);
                if (upTo == seen) {
                    continue; // a wake without a new stream item (typing)
                }
                Set<ServerName> woken = new HashSet<>();
                boolean more = pdus(upTo, woken) | receipts(upTo, woken) | deviceLists(upTo, woken);
                woken.forEach(sender::wake);
                if (more) {
                    poke();
                } else {
                    seen = upTo;
                }
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("federation outbound streams failed error={}", e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
                poke();
            }
        }
    }

    /** {@code acceptedAsResident}: a remote user's join or leave we countersigned (rooms.ResidentMembership). */
    private record EventRow(long ordering, String eventId, String roomId, String type, String stateKey, String sender,
            boolean acceptedAsResident) {}

    /**
     * Queues local events in {@code (cursor, upTo]} with the cursor's advance, in one transaction (so one write
     * per batch, not per event, on a server whose rooms are all local); returns whether more may follow.
     */
    private boolean pdus(long upTo, Set<ServerName> woken) {
        return db.inTransaction(c -> {
            long cursor = QueueStore.cursor(c, PDUS);
            List<EventRow> rows = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT stream_ordering, event_id, room_id, type, state_key, sender, accepted_as_resident
                    FROM events WHERE stream_ordering > ? AND stream_ordering <= ? AND rejected = ?
                    ORDER BY stream_ordering LIMIT ?""")) {
                s.setLong(1, cursor);
                s.setLong(2, upTo);
                s.setBoolean(3, false);
                s.setInt(4, BATCH);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(new EventRow(r.getLong(1), r.getString(2), r.getString(3), r.getString(4),
                                r.getString(5), r.getString(6), r.getBoolean(7)));
                    }
                }
            }
            Map<String, Set<ServerName>> roomServers = new java.util.HashMap<>();
            for (EventRow row : rows) {
                // A remote user's join or leave that we accepted as the resident (send_join, send_leave): its
                // server gave it only to us, so we send it on to the room's other servers (Server-Server API
                // § Joining rooms: "the resident server … sends the event on to the other servers in the room").
                boolean relayed = !isLocal(row.sender()) && row.acceptedAsResident();
                if (!isLocal(row.sender()) && !relayed) {
                    continue; // remote events are their origin's to send, never relayed by us
                }
                Set<ServerName> inRoom = roomServers.get(row.roomId());
                if (inRoom == null) {
                    inRoom = Destinations.inRoom(c, row.roomId(), self);
                    roomServers.put(row.roomId(), inRoom);
                }
                Set<ServerName> to = new HashSet<>(inRoom);
                if (row.type().equals("m.room.member") && row.stateKey() != null) {
                    Destinations.add(to, row.stateKey(), self); // the invited, kicked or banned user's server too
                    roomServers.remove(row.roomId()); // membership changed: read the room's servers again
                }
                if (relayed) {
                    to.remove(UserId.parse(row.sender()).server()); // the joining or leaving server has it
                }
                for (ServerName destination : to) {
                    QueueStore.queuePdu(c, destination, row.eventId(), row.ordering());
                }
                woken.addAll(to);
            }
            boolean full = rows.size() == BATCH;
            QueueStore.setCursor(c, PDUS, full ? rows.get(rows.size() - 1).ordering() : upTo);
            return full;
        });
    }

    /** Queues {@code m.receipt} EDUs for local users' public read receipts in {@code (cursor, upTo]}. */
    private boolean receipts(long upTo, Set<ServerName> woken) {
        return db.inTransaction(c -> {
            long cursor = QueueStore.cursor(c, RECEIPTS);
            int count = 0;
            long last = cursor;
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT room_id, user_id, thread_id, event_id, ts, stream_position FROM receipts
                    WHERE stream_position > ? AND stream_position <= ? AND receipt_type = 'm.read'
                    ORDER BY stream_position LIMIT ?""")) {
                s.setLong(1, cursor);
                s.setLong(2, upTo);
                s.setInt(3, BATCH);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        count++;
                        last = r.getLong(6);
                        if (!isLocal(r.getString(2))) {
                            continue;
                        }
                        ObjectNode content = JsonNodeFactory.instance.objectNode();
                        ObjectNode receipt = content.putObject(r.getString(1)).putObject("m.read")
                                .putObject(r.getString(2));
                        receipt.putArray("event_ids").add(r.getString(4));
                        ObjectNode data = receipt.putObject("data").put("ts", r.getLong(5));
                        if (!r.getString(3).isEmpty()) {
                            data.put("thread_id", r.getString(3));
                        }
                        Set<ServerName> to = Destinations.inRoom(c, r.getString(1), self);
                        FederationSender.queueEdu(c, to, "m.receipt", content);
                        woken.addAll(to);
                    }
                }
            }
            QueueStore.setCursor(c, RECEIPTS, count < BATCH ? upTo : last);
            return count == BATCH;
        });
    }

    /** Queues device-list and signing-key EDUs for local users whose devices changed in {@code (cursor, upTo]}. */
    private boolean deviceLists(long upTo, Set<ServerName> woken) {
        return db.inTransaction(c -> {
            long cursor = QueueStore.cursor(c, DEVICE_LISTS);
            List<Map.Entry<Long, UserId>> changes = FederatedKeys.changes(c, cursor, upTo);
            List<Map.Entry<Long, UserId>> batch = changes.size() > BATCH ? changes.subList(0, BATCH) : changes;
            for (Map.Entry<Long, UserId> change : batch) {
                UserId user = change.getValue();
                if (!user.server().equals(self)) {
                    continue;
                }
                Set<ServerName> to = Destinations.sharingRoomWith(c, user, self);
                if (to.isEmpty()) {
                    continue;
                }
                long previous = FederatedKeys.changeBefore(c, user, change.getKey() - 1);
                List<FederatedKeys.Device> devices = FederatedKeys.devices(c, user);
                Set<String> gone = QueueStore.announcedDevices(c, user);
                for (FederatedKeys.Device device : devices) {
                    gone.remove(device.deviceId());
                    ObjectNode content = deviceUpdate(user, device.deviceId(), change.getKey(), previous, false);
                    device.displayName().ifPresent(name -> content.put("device_display_name", name));
                    device.keys().ifPresent(keys -> content.set("keys", keys));
                    FederationSender.queueEdu(c, to, "m.device_list_update", content);
                }
                for (String deleted : gone) {
                    FederationSender.queueEdu(c, to, "m.device_list_update",
                            deviceUpdate(user, deleted, change.getKey(), previous, true));
                }
                QueueStore.setAnnouncedDevices(c, user, devices.stream().map(FederatedKeys.Device::deviceId).toList());
                var master = FederatedKeys.crossSigningKey(c, user, true);
                var selfSigning = FederatedKeys.crossSigningKey(c, user, false);
                if (master.isPresent() || selfSigning.isPresent()) {
                    ObjectNode content = JsonNodeFactory.instance.objectNode().put("user_id", user.value());
                    master.ifPresent(k -> content.set("master_key", k));
                    selfSigning.ifPresent(k -> content.set("self_signing_key", k));
                    FederationSender.queueEdu(c, to, "m.signing_key_update", content);
                }
                woken.addAll(to);
            }
            QueueStore.setCursor(c, DEVICE_LISTS, batch.size() < changes.size()
                    ? batch.get(batch.size() - 1).getKey() : upTo);
            return batch.size() < changes.size();
        });
    }

    /** An {@code m.device_list_update} (Server-Server API § Device Management) without display name and keys. */
    private static ObjectNode deviceUpdate(UserId user, String deviceId, long streamId, long previous, boolean deleted) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("user_id", user.value());
        content.put("device_id", deviceId);
        content.put("stream_id", streamId);
        var prev = content.putArray("prev_id");
        if (previous > 0) {
            prev.add(previous);
        }
        content.put("deleted", deleted);
        return content;
    }

    private boolean isLocal(String userId) {
        return userId.endsWith(":" + self.value()) && UserId.parse(userId).server().equals(self);
    }
}
