package dev.starling.server.rooms;

import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.storage.Database;
import dev.starling.server.storage.StreamPositions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the inbound event pipeline (federation) reads and writes in rooms: the status of events, the state
 * before an event (its prev_events' states, resolved when there are several), the current state, and
 * persisting an event as accepted, soft-failed, rejected or outlier. The checks themselves are the caller's;
 * every method here is one read or one transaction. See rooms/README.md "Events from other servers".
 * Thread-safe; the caller holds the room's lock ({@link #underLock}) across a whole event.
 */
public final class RemoteEvents {
    /** What we know of an event. */
    public enum Status {
        /** Never stored. */
        UNKNOWN,
        /** In the DAG with its state: may be a prev event and an auth event. */
        ACCEPTED,
        /** In the DAG with its state, refused against the current state: hidden from clients. */
        SOFT_FAILED,
        /** Known without the state before it (a fetched auth event): an auth event, not a prev event. */
        OUTLIER,
        /**
         * Refused by the auth rules against the state before it: never an auth event, never state, never
         * served; a later event may still name it as a prev event, the state after it being the state before
         * it (Server-Server API § Rejection).
         */
        REJECTED,
        /** Refused against its own auth events: no state known at all. */
        REJECTED_OUTLIER;

        /** Whether the state after the event is known, so that it can be a prev event. */
        public boolean hasState() {
            return this == ACCEPTED || this == SOFT_FAILED || this == REJECTED;
        }

        public boolean isRejected() {
            return this == REJECTED || this == REJECTED_OUTLIER;
        }
    }

    /**
     * The state before an event: an existing snapshot ({@code group} ≥ 0; 0 is the empty state), or the
     * resolution of several ({@code group} -1, {@code resolved} holding it, written when the event is persisted).
     */
    public record StateBefore(long group, Map<StateKey, EventId> resolved, long baseGroup) {}

    private final ServerName serverName;
    private final Database db;
    private final RoomLocks locks;
    private final RoomEventListener listener;

    RemoteEvents(ServerName serverName, Database db, RoomLocks locks, RoomEventListener listener) {
        this.serverName = serverName;
        this.db = db;
        this.locks = locks;
        this.listener = listener;
    }

    /** Runs {@code work} under the room's lock, the one local sends take too. */
    public <T> T underLock(RoomId roomId, Supplier<T> work) {
        return locks.withLock(roomId, work);
    }

    /** The version of a stored room. */
    public Optional<RoomVersion> version(RoomId roomId) {
        return db.read(c -> RoomStore.room(c, roomId).map(RoomStore.RoomInfo::version));
    }

    /** Whether a user of {@code server} is joined to the room in its current state. */
    public boolean serverJoined(RoomId roomId, ServerName server) {
        return db.read(c -> FederationReads.serverJoinedNow(c, roomId, server));
    }

    /** The room's create event (every stored room has one). */
    public Pdu createEvent(RoomId roomId) {
        return db.read(c -> EventStore.pdu(c, RoomStore.stateEventId(c, roomId, RoomStore.CREATE).orElseThrow(
                () -> new SQLException("room " + roomId + " has no create event"))));
    }

    /** The status of each event. */
    public Map<EventId, Status> status(Collection<EventId> eventIds) {
        return db.read(c -> {
            Map<EventId, Status> found = new HashMap<>();
            for (EventId id : eventIds) {
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT rejected, outlier, soft_failed FROM events WHERE event_id = ?")) {
                    s.setString(1, id.value());
                    try (ResultSet r = s.executeQuery()) {
                        found.put(id, !r.next() ? Status.UNKNOWN
                                : r.getBoolean(1) ? (r.getBoolean(2) ? Status.REJECTED_OUTLIER : Status.REJECTED)
                                : r.getBoolean(2) ? Status.OUTLIER : r.getBoolean(3) ? Status.SOFT_FAILED
                                : Status.ACCEPTED);
                    }
                }
            }
            return found;
        });
    }

    /** The stored events among {@code eventIds} that were not rejected (outliers included). */
    public Map<EventId, Pdu> events(Collection<EventId> eventIds) {
        Map<String, StoredEvent> stored = db.read(c -> EventStore.storedEvents(c,
                eventIds.stream().map(EventId::value).toList()));
        Map<EventId, Pdu> found = new LinkedHashMap<>();
        stored.values().forEach(e -> found.put(e.pdu().eventId(), e.pdu()));
        return found;
    }

    /** The room's forward extremities. */
    public List<EventId> forwardExtremities(RoomId roomId) {
        return db.read(c -> StateResolution.extremityGroups(c, roomId.value()).keySet().stream().map(EventId::parse).toList());
    }

    /** The least depth of the room's events in the timeline (where gap filling stops). */
    public long minDepth(RoomId roomId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT MIN(depth) FROM events WHERE room_id = ? AND outlier = ? AND rejected = ?")) {
                s.setString(1, roomId.value());
                s.setBoolean(2, false);
                s.setBoolean(3, false);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getLong(1) : 0L;
                }
            }
        });
    }

    /**
     * The state before an event with these prev_events, all of which have state ({@link Status#hasState}):
     * one prev event's state after it, or the resolution of several (state resolution v2 / v2.1 by version).
     *
     * @throws dev.starling.protocol.stateres.StateResolutionException when resolution lacks an event
     */
    public StateBefore stateBefore(RoomId roomId, RoomVersion version, List<EventId> prevEvents) {
        return db.read(c -> {
            Set<Long> groups = new HashSet<>();
            long first = -1;
            for (EventId id : prevEvents) {
                // Rejected prev events count with the state before them, which is their state_group.
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT state_group FROM events WHERE event_id = ? AND outlier = ?")) {
                    s.setString(1, id.value());
                    s.setBoolean(2, false);
                    try (ResultSet r = s.executeQuery()) {
                        if (!r.next()) {
                            throw new SQLException("prev event " + id + " has no state");
                        }
                        groups.add(r.getLong(1));
                        if (first < 0) {
                            first = r.getLong(1);
                        }
                    }
                }
            }
            if (groups.size() == 1) {
                return new StateBefore(groups.iterator().next(), Map.of(), 0);
            }
            return new StateBefore(-1, StateResolution.resolveGroups(c, version, groups), first);
        });
    }

    /** The events of {@code before} at {@code keys} (and the create event). */
    public Map<StateKey, Pdu> stateAt(RoomId roomId, StateBefore before, Collection<StateKey> keys) {
        return db.read(c -> {
            Map<StateKey, String> ids = new HashMap<>();
            Set<StateKey> wanted = new HashSet<>(keys);
            wanted.add(RoomStore.CREATE);
            for (StateKey key : wanted) {
                Optional<String> id = before.group() >= 0
                        ? (before.group() == 0 ? Optional.empty() : StateGroups.lookup(c, before.group(), key))
                        : Optional.ofNullable(before.resolved().get(key)).map(EventId::value);
                id.ifPresent(v -> ids.put(key, v));
            }
            return byKey(c, ids);
        });
    }

    /** The events of the current state at {@code keys} (and the create event). */
    public Map<StateKey, Pdu> currentState(RoomId roomId, Collection<StateKey> keys) {
        return db.read(c -> {
            Map<StateKey, String> ids = new HashMap<>();
            Set<StateKey> wanted = new HashSet<>(keys);
            wanted.add(RoomStore.CREATE);
            for (StateKey key : wanted) {
                RoomStore.stateEventId(c, roomId, key).ifPresent(v -> ids.put(key, v));
            }
            return byKey(c, ids);
        });
    }

    private static Map<StateKey, Pdu> byKey(Connection c, Map<StateKey, String> ids) throws SQLException {
        Map<String, Pdu> pdus = EventStore.pdus(c, ids.values());
        Map<StateKey, Pdu> state = new HashMap<>();
        ids.forEach((key, id) -> state.put(key, pdus.get(id)));
        return state;
    }

    /** Stores an auth event fetched without its state (an outlier), or one the auth rules rejected. */
    public void persistOutlier(Pdu event, boolean rejected) {
        db.inTransaction(c -> {
            long placeholder = RoomStore.room(c, event.roomId()).orElseThrow().stateGroup();
            EventStore.insertEvent(c, event, EventStore.hiddenOrdering(c), placeholder, -1,
                    rejected ? EventStore.Flags.REJECTED_OUTLIER : EventStore.Flags.OUTLIER);
            return null;
        });
    }

    /** Stores an event the auth rules rejected against the state before it (SECURITY.md item 12). */
    public void persistRejected(Pdu event, StateBefore before) {
        db.inTransaction(c -> {
            long group = groupOf(c, event.roomId(), before);
            EventStore.insertEvent(c, event, EventStore.hiddenOrdering(c), group, group, EventStore.Flags.REJECTED);
            return null;
        });
    }

    /** Which events a redaction may be applied to, decided as it is received (see {@link #persist}). */
    public enum Reach {
        /** None: it may not redact its target (kept in the DAG, not applied). */
        NONE,
        /** The event it names, whoever sent it (in the same room). */
        ANY_SENDER,
        /** The event it names only if that event's sender is on the redaction sender's server (not seen yet). */
        SENDER_SERVER
    }

    /**
     * Stores an accepted event on the state before it: a soft-failed one hidden and not an extremity; any
     * other in the timeline, replacing its prev_events among the forward extremities, the current state then
     * the resolution of the extremities' states. Local members' syncs wake after the commit.
     *
     * @param redacts for a redaction, which events it may be applied to (others: {@link Reach#ANY_SENDER})
     */
    public void persist(Pdu event, StateBefore before, boolean softFailed, Reach redacts) {
        RoomId roomId = event.roomId();
        Set<UserId> targets = db.inTransaction(c -> {
            long groupBefore = groupOf(c, roomId, before);
            Optional<Long> outlier = outlierOrdering(c, event.eventId());
            long ordering = outlier.isPresent() ? outlier.get()
                    : softFailed ? EventStore.hiddenOrdering(c) : StreamPositions.next(c);
            long groupAfter = event.isState()
                    ? StateGroups.append(c, roomId.value(), groupBefore, event.stateTuple(), ordering) : groupBefore;
            if (outlier.isPresent()) {
                // An outlier reached through the DAG: it gets its state but keeps its hidden position (README).
                try (PreparedStatement s = c.prepareStatement("UPDATE events SET outlier = ?, soft_failed = ?,"
                        + " state_group = ?, state_group_before = ? WHERE event_id = ?")) {
                    s.setBoolean(1, false);
                    s.setBoolean(2, softFailed);
                    s.setLong(3, groupAfter);
                    s.setLong(4, groupBefore);
                    s.setString(5, event.eventId().value());
                    s.executeUpdate();
                }
            } else {
                EventStore.insertEvent(c, event, ordering, groupAfter, groupBefore,
                        softFailed ? EventStore.Flags.SOFT_FAILED : EventStore.Flags.TIMELINE);
            }
            EventStore.insertEdges(c, event, ordering);
            if (event.sender().server().equals(serverName)) {
                // One of ours coming back (after a restart, a join stored first by a resident): a redaction stored
                // before it may name it, so it is never served as unnamed (ServedEvents.unnamed).
                RoomChanges.named(c, event.eventId().value(), ordering);
            }
            if (softFailed) {
                return Set.<UserId>of();
            }
            if (!EventTypes.REDACTION.equals(event.type())) {
                EventIndexes.index(c, event, ordering, Optional.empty());
            } else if (redacts != Reach.NONE) {
                EventIndexes.index(c, event, ordering, redacts == Reach.SENDER_SERVER
                        ? Optional.of(event.sender().server()) : Optional.empty());
            }
            for (EventId prev : event.prevEvents()) {
                try (PreparedStatement s = c.prepareStatement(
                        "DELETE FROM room_forward_extremities WHERE room_id = ? AND event_id = ?")) {
                    s.setString(1, roomId.value());
                    s.setString(2, prev.value());
                    s.executeUpdate();
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO room_forward_extremities (room_id, event_id) VALUES (?, ?)")) {
                s.setString(1, roomId.value());
                s.setString(2, event.eventId().value());
                s.executeUpdate();
            }
            Set<UserId> changed = CurrentState.update(c, roomId, event, ordering, groupBefore, groupAfter);
            if (EventTypes.MEMBER.equals(event.type())) {
                event.stateKey().ifPresent(key -> changed.add(UserId.parse(key)));
            }
            return changed;
        });
        if (!softFailed) {
            listener.committed(roomId, targets, 1);
        }
    }

    private static Optional<Long> outlierOrdering(Connection c, EventId eventId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT stream_ordering FROM events WHERE event_id = ? AND outlier = ? AND rejected = ?")) {
            s.setString(1, eventId.value());
            s.setBoolean(2, true);
            s.setBoolean(3, false);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getLong(1)) : Optional.empty();
            }
        }
    }

    /** The snapshot id of {@code before}, writing the resolved state as a new snapshot when it has none. */
    private static long groupOf(Connection c, RoomId roomId, StateBefore before) throws SQLException {
        if (before == null) {
            return RoomStore.room(c, roomId).orElseThrow().stateGroup();
        }
        if (before.group() >= 0) {
            return before.group();
        }
        return StateGroups.snapshot(c, roomId.value(), before.baseGroup(), StateResolution.orderings(c,
                before.resolved()));
    }
}
