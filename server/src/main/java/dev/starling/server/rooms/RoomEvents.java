package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.auth.PowerLevels;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A small read-only face of rooms for the packages that hang data off rooms and their events (receipts, read
 * markers, push rules and unread counts): membership, whether an event is in a room and visible to a user, and
 * what push-rule conditions need of a room. Each method reads one snapshot.
 */
public final class RoomEvents {
    /**
     * What push-rule conditions read of a room (Client-Server API § Push rules, conditions).
     *
     * @param joinedMembers the number of joined members ({@code room_member_count})
     * @param displayName the user's display name in the room, if set ({@code contains_display_name})
     */
    public record PushContext(long joinedMembers, Optional<String> displayName, PowerLevels powerLevels,
            Set<String> privileged) {
        public PushContext {
            privileged = Set.copyOf(privileged);
        }

        /** The sender's power level; creators of a room with privileged creators (v12) outrank everyone. */
        public long level(UserId user) {
            return privileged.contains(user.value()) ? Long.MAX_VALUE : powerLevels.userLevel(user);
        }

        /** {@code notifications.<key>} of the power levels (default 50 for {@code room}). */
        public long notificationLevel(String key) {
            return key.equals("room") ? powerLevels.notificationsRoom() : PowerLevels.DEFAULT_NOTIFICATIONS_ROOM;
        }
    }

    /** An event in the client format with its stream position. */
    public record PositionedEvent(long position, ObjectNode event) {}

    /** Push contexts kept, at most; all are dropped when full (they are cheap to read again). */
    static final int MAX_PUSH_CONTEXTS = 10_000;

    /** Member positions kept, at most; all are dropped when full. */
    static final int MAX_MEMBER_POSITIONS = 100_000;

    private final Database db;
    private final java.util.concurrent.ConcurrentHashMap<MemberKey, KeptContext> pushContexts =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** The recent events of each room, shared with /sync's rooms part; null: always read. */
    private final EventWindows windows;

    /** A user's member position in a room as read when the stream was at {@code at}. */
    private record MemberPosition(OptionalLong position, long at) {}

    private record MemberKey(String user, String room) {}

    /** A push context read after the stream position {@code at} (a sync's cut) was committed. */
    private record KeptContext(PushContext context, long at) {}

    private final java.util.concurrent.ConcurrentHashMap<MemberKey, MemberPosition> memberPositions =
            new java.util.concurrent.ConcurrentHashMap<>();

    public RoomEvents(Database db) {
        this(db, null);
    }

    /** Reads recent events through {@code stream}'s windows (the ones its /sync reads fill). */
    public RoomEvents(Database db, RoomStream stream) {
        this.db = db;
        this.windows = stream == null ? null : stream.windows();
    }

    /** Whether the user's current membership in the room is join. */
    public boolean isJoined(UserId user, RoomId roomId) {
        return db.read(c -> RoomStore.membership(c, roomId, user)).filter(RoomReader.JOIN::equals).isPresent();
    }

    /**
     * The stream position of {@code eventId} if it is in {@code roomId} and the user may see it; empty otherwise,
     * whatever the reason (an inaccessible event and a missing one answer alike, SECURITY.md item 23).
     */
    public OptionalLong visiblePosition(UserId user, RoomId roomId, EventId eventId) {
        return db.read(c -> {
            Optional<StoredEvent> stored = EventStore.event(c, eventId.value());
            if (stored.isEmpty() || !stored.get().pdu().roomId().equals(roomId)
                    || !RoomReader.visible(c, user, roomId, stored.get())) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(stored.get().streamOrdering());
        });
    }

    /** The stream position of the user's current member event in the room. */
    public OptionalLong membershipPosition(UserId user, RoomId roomId) {
        return db.read(c -> {
            Optional<String> id = RoomStore.stateEventId(c, roomId, new StateKey(EventTypes.MEMBER, user.value()));
            if (id.isEmpty()) {
                return OptionalLong.empty();
            }
            return EventStore.event(c, id.get()).map(e -> OptionalLong.of(e.streamOrdering()))
                    .orElse(OptionalLong.empty());
        });
    }

    /**
     * As {@link #membershipPosition(UserId, RoomId)}, with {@code upTo} a committed stream position: answered
     * from memory when no member event targeting the user was stored after the last read's {@code upTo}
     * ({@link RoomChanges#member}), so it equals the read. A current member event that changes without a new
     * member event targeting the user (a state resolution over federation picking the other branch's) is
     * not seen until the user's next member event.
     */
    public OptionalLong membershipPosition(UserId user, RoomId roomId, long upTo) {
        MemberKey key = new MemberKey(user.value(), roomId.value());
        MemberPosition kept = memberPositions.get(key);
        if (kept != null && db.changes().unchangedSince(RoomChanges.member(user), Math.min(kept.at(), upTo))) {
            return kept.position();
        }
        OptionalLong read = membershipPosition(user, roomId);
        if (memberPositions.size() >= MAX_MEMBER_POSITIONS) {
            memberPositions.clear();
        }
        memberPositions.merge(key, new MemberPosition(read, upTo), (old, now) -> now.at() >= old.at() ? now : old);
        return read;
    }

    /**
     * At most {@code limit} events of the room with {@code after < position <= upTo}, newest first, in the client
     * format. For a user who is joined, so every one is visible to them. {@code upTo} must be committed: the
     * events come from the room's window in memory when it holds them ({@link EventWindows}).
     */
    public List<PositionedEvent> newestEvents(RoomId roomId, long after, long upTo, int limit) {
        List<StoredEvent> stored = null;
        if (windows != null) {
            try {
                stored = windows.newest(null, roomId, after, upTo, limit).orElse(null);
            } catch (SQLException e) {
                throw new IllegalStateException(e); // not reached: no connection, no read
            }
        }
        if (stored == null) {
            stored = db.read(c -> {
                Optional<List<StoredEvent>> windowed = windows == null ? Optional.empty()
                        : windows.newest(c, roomId, after, upTo, limit);
                return windowed.isPresent() ? windowed.get()
                        : StreamStore.range(c, roomId, after, upTo, limit, true, false);
            });
        }
        List<PositionedEvent> events = new ArrayList<>(stored.size());
        for (StoredEvent event : stored) {
            events.add(new PositionedEvent(event.streamOrdering(), ClientEvents.of(event.pdu())));
        }
        return events;
    }

    /**
     * What the push rules of {@code user} read of the room's current state, for a request whose cut is
     * {@code upTo} (every position up to it committed). Kept with that cut: the room's current state did not
     * change since the kept read while no {@link RoomChanges#currentState} touch is after it (every change of
     * {@code rooms.state_group} touches it, in its transaction); a change at or before the cut was committed
     * before the read began. So a kept context is the current state's, with no read at all.
     */
    public PushContext pushContext(RoomId roomId, UserId user, long upTo) {
        MemberKey key = new MemberKey(user.value(), roomId.value());
        KeptContext kept = pushContexts.get(key);
        if (kept != null && db.changes().unchangedSince(RoomChanges.currentState(roomId), kept.at())) {
            return kept.context();
        }
        PushContext context = db.read(c -> pushContext(c, roomId, user, RoomStore.room(c, roomId)));
        if (pushContexts.size() >= MAX_PUSH_CONTEXTS) {
            pushContexts.clear();
        }
        pushContexts.put(key, new KeptContext(context, upTo));
        return context;
    }

    private static PushContext pushContext(Connection c, RoomId roomId, UserId user, Optional<RoomStore.RoomInfo> room)
            throws SQLException {
        {
            long joined = joinedCount(c, roomId);
            Optional<String> displayName = stateContent(c, roomId, new StateKey(EventTypes.MEMBER, user.value()))
                    .map(content -> content.path("displayname"))
                    .filter(JsonNode::isTextual).map(JsonNode::asText).filter(name -> !name.isEmpty());
            PowerLevels levels = stateContent(c, roomId, new StateKey(EventTypes.POWER_LEVELS, ""))
                    .filter(ObjectNode.class::isInstance).map(ObjectNode.class::cast)
                    .map(PowerLevels::fromContent).orElseGet(PowerLevels::withoutEvent);
            Set<String> privileged = new HashSet<>();
            Optional<String> createId = RoomStore.stateEventId(c, roomId, RoomStore.CREATE);
            if (createId.isPresent() && room.isPresent() && room.get().version().privilegedCreators()) {
                Pdu create = EventStore.pdu(c, createId.get());
                privileged.add(create.sender().value());
                create.content().path("additional_creators").forEach(id -> {
                    try {
                        privileged.add(UserId.parse(id.asText()).value());
                    } catch (InvalidIdentifierException ignored) {
                        // the auth rules refuse such a create event; nothing to add
                    }
                });
            }
            return new PushContext(joined, displayName, levels, privileged);
        }
    }

    private static long joinedCount(Connection c, RoomId roomId) throws SQLException {
        try (java.sql.PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM current_state"
                + " WHERE room_id = ? AND type = 'm.room.member' AND membership = 'join'")) {
            s.setString(1, roomId.value());
            try (java.sql.ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static Optional<JsonNode> stateContent(Connection c, RoomId roomId, StateKey key) throws SQLException {
        Optional<String> id = RoomStore.stateEventId(c, roomId, key);
        return id.isEmpty() ? Optional.empty() : Optional.of(EventStore.pdu(c, id.get()).content());
    }
}
