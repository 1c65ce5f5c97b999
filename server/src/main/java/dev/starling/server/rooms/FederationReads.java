package dev.starling.server.rooms;

import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Reading a room's DAG for other servers (Server-Server API § Retrieving events, § Backfilling, § Retrieving
 * missing events): single events, the state before an event, auth chains, backfill and missing events, and
 * whether a server may see an event — a server with a user joined now, then per event its history visibility
 * for servers (Synapse's {@code filter_events_for_server}: {@code shared} and {@code world_readable} are
 * visible, {@code invited} needs a user of the server invited or joined at the event, {@code joined} one
 * joined). Rejected events are never read. Thread-safe.
 */
public final class FederationReads {
    private static final StateKey HISTORY_VISIBILITY = new StateKey("m.room.history_visibility", "");

    private final Database db;

    FederationReads(Database db) {
        this.db = db;
    }

    /** Whether a user of {@code server} is joined to the room now. */
    public boolean serverJoined(RoomId roomId, ServerName server) {
        return db.read(c -> serverJoinedNow(c, roomId, server));
    }

    static boolean serverJoinedNow(Connection c, RoomId roomId, ServerName server) throws SQLException {
        // Server names hold no '%' or '_' (dns-char is ALPHA / DIGIT / '-' / '.'; IPv6 adds ':' and brackets)
        // and localparts hold no ':', so the suffix ":" + server names exactly that server's users.
        try (PreparedStatement s = c.prepareStatement("""
                SELECT 1 FROM current_state WHERE room_id = ? AND type = 'm.room.member' AND membership = 'join'
                    AND state_key LIKE ? LIMIT 1""")) {
            s.setString(1, roomId.value());
            s.setString(2, "%:" + server.value());
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** A stored event that was not rejected (outliers and soft-failed events included). */
    public Optional<Pdu> event(EventId eventId) {
        return db.read(c -> EventStore.event(c, eventId.value()).map(StoredEvent::pdu));
    }

    /** Whether {@code server} may see {@code event} (history visibility for servers, at the event). */
    public boolean visibleTo(ServerName server, Pdu event) {
        return db.read(c -> visible(c, server, event, new HashMap<>()));
    }

    /** The events among {@code events} that {@code server} may see, in the same order. */
    public List<Pdu> visibleTo(ServerName server, List<Pdu> events) {
        return db.read(c -> {
            Map<Long, Boolean> byGroup = new HashMap<>();
            List<Pdu> kept = new ArrayList<>();
            for (Pdu event : events) {
                if (visible(c, server, event, byGroup)) {
                    kept.add(event);
                }
            }
            return kept;
        });
    }

    private static boolean visible(Connection c, ServerName server, Pdu event, Map<Long, Boolean> byGroup)
            throws SQLException {
        Optional<StoredEvent> stored = EventStore.event(c, event.eventId().value());
        if (stored.isEmpty()) {
            return false;
        }
        long group = stored.get().stateGroup();
        Boolean known = byGroup.get(group);
        if (known != null) {
            return known;
        }
        Map<StateKey, String> state = StateGroups.load(c, group);
        String visibility = "shared";
        String hv = state.get(HISTORY_VISIBILITY);
        if (hv != null) {
            visibility = EventStore.pdu(c, hv).content().path("history_visibility").asText("shared");
        }
        boolean result;
        if (!visibility.equals("invited") && !visibility.equals("joined")) {
            result = true;
        } else {
            List<String> members = new ArrayList<>();
            state.forEach((key, id) -> {
                if (key.type().equals(EventTypes.MEMBER) && onServer(key.stateKey(), server)) {
                    members.add(id);
                }
            });
            result = false;
            for (Pdu member : EventStore.pdus(c, members).values()) {
                String membership = member.content().path("membership").asText();
                if (membership.equals("join") || (visibility.equals("invited") && membership.equals("invite"))) {
                    result = true;
                    break;
                }
            }
        }
        byGroup.put(group, result);
        return result;
    }

    private static boolean onServer(String userId, ServerName server) {
        try {
            return UserId.parse(userId).server().equals(server);
        } catch (InvalidIdentifierException e) {
            return false;
        }
    }

    /**
     * The state before a stored event, by key → event ID; empty for an event whose state is not known (an
     * outlier). For /state and /state_ids.
     */
    public Optional<Map<StateKey, String>> stateBefore(EventId eventId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT state_group_before FROM events WHERE event_id = ? AND rejected = ? AND outlier = ?""")) {
                s.setString(1, eventId.value());
                s.setBoolean(2, false);
                s.setBoolean(3, false);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    long group = r.getLong(1);
                    return Optional.of(r.wasNull() || group == 0 ? Map.<StateKey, String>of() : StateGroups.load(c, group));
                }
            }
        });
    }

    /** Stored, not rejected events by ID (missing ones left out). */
    public Map<EventId, Pdu> events(Collection<String> eventIds) {
        return db.read(c -> {
            Map<EventId, Pdu> found = new LinkedHashMap<>();
            EventStore.storedEvents(c, eventIds).forEach((id, e) -> found.put(e.pdu().eventId(), e.pdu()));
            return found;
        });
    }

    /** The auth chain of {@code events}: every event reachable through auth_events, not the events themselves. */
    public List<Pdu> authChain(Collection<Pdu> events) {
        return db.read(c -> {
            Map<String, Pdu> chain = new LinkedHashMap<>();
            Deque<String> todo = new ArrayDeque<>();
            events.forEach(e -> e.authEvents().forEach(id -> todo.add(id.value())));
            while (!todo.isEmpty()) {
                List<String> batch = new ArrayList<>();
                while (!todo.isEmpty()) {
                    String id = todo.poll();
                    if (!chain.containsKey(id) && !batch.contains(id)) {
                        batch.add(id);
                    }
                }
                for (StoredEvent e : EventStore.storedEvents(c, batch).values()) {
                    chain.put(e.pdu().eventId().value(), e.pdu());
                    e.pdu().authEvents().forEach(id -> {
                        if (!chain.containsKey(id.value())) {
                            todo.add(id.value());
                        }
                    });
                }
            }
            return new ArrayList<>(chain.values());
        });
    }

    /**
     * Walks prev_events from {@code from}, deepest first, up to {@code limit} events of the room; with
     * {@code includeStart} the start events count too (backfill), else only their predecessors
     * (get_missing_events). Stops at {@code stop} and below {@code minDepth}; never leaves the room.
     */
    public List<Pdu> walkBack(RoomId roomId, Collection<EventId> from, boolean includeStart, Set<EventId> stop,
            long minDepth, int limit) {
        return db.read(c -> {
            PriorityQueue<Pdu> queue = new PriorityQueue<>(Comparator.comparingLong(Pdu::depth).reversed());
            Set<String> seen = new HashSet<>();
            List<String> start = from.stream().map(EventId::value).toList();
            for (StoredEvent e : EventStore.storedEvents(c, start).values()) {
                if (!e.pdu().roomId().equals(roomId)) {
                    continue;
                }
                seen.add(e.pdu().eventId().value());
                if (includeStart) {
                    queue.add(e.pdu());
                } else {
                    enqueue(c, roomId, e.pdu().prevEvents(), seen, stop, queue);
                }
            }
            List<Pdu> out = new ArrayList<>();
            while (!queue.isEmpty() && out.size() < limit) {
                Pdu next = queue.poll();
                if (next.depth() < minDepth) {
                    continue;
                }
                out.add(next);
                enqueue(c, roomId, next.prevEvents(), seen, stop, queue);
            }
            return out;
        });
    }

    private static void enqueue(Connection c, RoomId roomId, List<EventId> ids, Set<String> seen, Set<EventId> stop,
            PriorityQueue<Pdu> queue) throws SQLException {
        List<String> fresh = new ArrayList<>();
        for (EventId id : ids) {
            if (!stop.contains(id) && seen.add(id.value())) {
                fresh.add(id.value());
            }
        }
        for (StoredEvent e : EventStore.storedEvents(c, fresh).values()) {
            if (e.pdu().roomId().equals(roomId)) {
                queue.add(e.pdu());
            }
        }
    }
}
