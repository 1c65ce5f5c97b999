package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import dev.starling.server.storage.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reading rooms with membership and history visibility enforced (Client-Server API § History visibility,
 * § Getting events for a room), following the spec's algorithm for an event: world_readable; joined at the
 * event; shared and joined at any point after it; invited at the event with visibility invited. A member reads the current state; a former member (leave, ban) reads the
 * state as it was when they left; anyone else is 403. An event the user may not see answers exactly like a
 * missing one (404), so event IDs cannot be probed (SECURITY.md item 23). Each method reads one snapshot.
 */
final class RoomReader {
    static final String JOIN = "join";

    private final Database db;

    RoomReader(Database db) {
        this.db = db;
    }

    /** The state the user may see, by key. */
    Map<StateKey, Pdu> state(UserId user, RoomId roomId) {
        return db.read(c -> visibleState(c, user, roomId));
    }

    /** One state event the user may see. */
    Optional<Pdu> stateEvent(UserId user, RoomId roomId, StateKey key) {
        return Optional.ofNullable(state(user, roomId).get(key));
    }

    /**
     * The member events of the state the user may see, filtered by membership; with {@code at}, of the state
     * at that stream position (no later than the user's own leave), for lazy-loading clients.
     */
    List<Pdu> members(UserId user, RoomId roomId, Optional<StreamToken> at, Optional<String> membership,
            Optional<String> notMembership) {
        Map<StateKey, Pdu> state = db.read(c -> {
            Map<StateKey, Pdu> visible = visibleState(c, user, roomId);
            if (at.isEmpty()) {
                return visible;
            }
            // The visible state is as of now or as of the user's leave: go back to `at` if it is earlier.
            Pdu own = visible.get(new StateKey(EventTypes.MEMBER, user.value()));
            long ownOrdering = EventStore.event(c, own.eventId().value()).orElseThrow().streamOrdering();
            String ownMembership = own.content().path("membership").asText();
            long position = ownMembership.equals(JOIN) ? at.get().position()
                    : Math.min(at.get().position(), ownOrdering);
            Map<StateKey, String> ids = StateGroups.load(c, StreamStore.stateGroupAt(c, roomId, position));
            Map<String, Pdu> events = EventStore.pdus(c, ids.values());
            Map<StateKey, Pdu> then = new java.util.HashMap<>();
            ids.forEach((key, id) -> then.put(key, events.get(id)));
            return then;
        });
        List<Pdu> members = new ArrayList<>();
        for (Pdu event : state.values()) {
            String value = event.content().path("membership").asText("");
            if (event.type().equals(EventTypes.MEMBER) && membership.map(value::equals).orElse(true)
                    && notMembership.map(m -> !m.equals(value)).orElse(true)) {
                members.add(event);
            }
        }
        members.sort((a, b) -> a.stateKey().orElseThrow().compareTo(b.stateKey().orElseThrow()));
        return members;
    }

    /** The member events of the users currently joined; only for a user who is joined. */
    List<Pdu> joinedMembers(UserId user, RoomId roomId) {
        return db.read(c -> {
            if (!RoomStore.membership(c, roomId, user).filter(JOIN::equals).isPresent()) {
                throw Membership.notInRoom(roomId);
            }
            List<String> ids = RoomStore.joinedMemberEvents(c, roomId);
            Map<String, Pdu> events = EventStore.pdus(c, ids);
            return ids.stream().map(events::get).toList();
        });
    }

    /** Events the user may see, as served to them (redactions applied; bundled aggregations if asked). */
    List<com.fasterxml.jackson.databind.node.ObjectNode> serve(UserId user, List<Pdu> events, boolean bundle) {
        return db.read(c -> ServedEvents.of(c, ServedEvents.Viewer.of(user), events, bundle));
    }

    List<RoomId> joinedRooms(UserId user) {
        return db.read(c -> RoomStore.joinedRooms(c, user));
    }

    /**
     * The event if it is in {@code roomId} and the user may see it (history visibility at the event, as
     * the state after it records it); empty otherwise, whatever the reason.
     */
    Optional<Pdu> event(UserId user, RoomId roomId, EventId eventId) {
        return db.read(c -> {
            Optional<StoredEvent> stored = EventStore.event(c, eventId.value());
            // A hidden event (outlier, soft-failed: a negative position) is not shown to clients (migration V11).
            if (stored.isEmpty() || !stored.get().pdu().roomId().equals(roomId) || stored.get().streamOrdering() <= 0) {
                return Optional.<Pdu>empty();
            }
            return visible(c, user, roomId, stored.get()) ? Optional.of(stored.get().pdu()) : Optional.<Pdu>empty();
        });
    }

    static boolean visible(Connection c, UserId user, RoomId roomId, StoredEvent event) throws SQLException {
        return visible(c, user, roomId, event, new StatesSeen());
    }

    /**
     * What {@link #visible} read of state snapshots for one user, by state group, so that a run of events
     * sharing a snapshot (messages change no state) costs one lookup. A snapshot never changes once written, so
     * this is exact; use one per user and read (never shared between users or kept past the read).
     */
    static final class StatesSeen {
        private record Seen(String visibility, String membership) {}

        private final Map<Long, Seen> byGroup = new java.util.HashMap<>();
        private final Shared shared;
        private final String user;

        StatesSeen() {
            this(null, null);
        }

        /** Also reads and fills {@code shared}, for {@code user} (the one user this is used for). */
        StatesSeen(Shared shared, UserId user) {
            this.shared = shared;
            this.user = user == null ? null : user.value();
        }

        private Seen get(long group) {
            Seen seen = byGroup.get(group);
            if (seen == null && shared != null) {
                seen = shared.seen.get(new Shared.Key(group, user));
            }
            return seen;
        }

        private void put(long group, Seen seen) {
            byGroup.put(group, seen);
            if (shared != null) {
                if (shared.seen.size() > Shared.MAX) {
                    shared.seen.clear();
                }
                shared.seen.put(new Shared.Key(group, user), seen);
            }
        }

        /**
         * What {@link #visible} read, by state group and user, across requests (one per database): exact for
         * the same reason as per request, as long as the snapshots were read committed. Bounded: at most
         * {@value #MAX} entries (then all are dropped). Thread-safe.
         */
        static final class Shared {
            static final int MAX = 200_000;

            private record Key(long group, String user) {}

            private final java.util.concurrent.ConcurrentHashMap<Key, Seen> seen =
                    new java.util.concurrent.ConcurrentHashMap<>();
        }

        private final Map<RoomId, Boolean> joinedNow = new java.util.HashMap<>();

        private boolean joinedNow(Connection c, RoomId roomId, UserId user) throws SQLException {
            Boolean joined = joinedNow.get(roomId);
            if (joined == null) {
                joined = RoomStore.membership(c, roomId, user).filter(JOIN::equals).isPresent();
                joinedNow.put(roomId, joined);
            }
            return joined;
        }
    }

    /** As {@link #visible(Connection, UserId, RoomId, StoredEvent)}, reusing what {@code seen} holds. */
    static boolean visible(Connection c, UserId user, RoomId roomId, StoredEvent event, StatesSeen seen)
            throws SQLException {
        long group = event.stateGroup();
        StatesSeen.Seen then = seen.get(group);
        if (then == null) {
            String visibility = StateGroups.lookup(c, group, new StateKey(EventTypes.HISTORY_VISIBILITY, ""))
                    .map(id -> content(c, id).path("history_visibility").asText("shared")).orElse("shared");
            String membership = visibility.equals("world_readable") ? ""
                    : StateGroups.lookup(c, group, new StateKey(EventTypes.MEMBER, user.value()))
                            .map(id -> content(c, id).path("membership").asText("leave")).orElse("leave");
            then = new StatesSeen.Seen(visibility, membership);
            seen.put(group, then);
        }
        String visibility = then.visibility();
        if (visibility.equals("world_readable")) {
            return true;
        }
        String membershipThen = then.membership();
        if (membershipThen.equals(JOIN)) {
            return true;
        }
        // "If the history_visibility was set to shared, and the user joined the room at any point after the
        // event was sent, allow" (Client-Server API § History visibility).
        if (visibility.equals("shared")) {
            // A user joined now has joined at some point after every event they were not a member at. This also
            // covers an event of a concurrent fork that reached us after their join (a healed partition), which
            // the order of arrival below would hide though the DAG does not order it before the join (Synapse
            // likewise shows shared events to every member who is not peeking).
            if (seen.joinedNow(c, roomId, user)) {
                return true;
            }
            return EventStore.memberEventsAfter(c, roomId, user, event.streamOrdering()).stream()
                    .anyMatch(member -> JOIN.equals(member.content().path("membership").asText()));
        }
        return visibility.equals("invited") && membershipThen.equals("invite");
    }

    private static Map<StateKey, Pdu> visibleState(Connection c, UserId user, RoomId roomId) throws SQLException {
        if (RoomStore.room(c, roomId).isEmpty()) {
            throw Membership.notInRoom(roomId);
        }
        String membership = RoomStore.membership(c, roomId, user).orElse("");
        Map<StateKey, String> ids;
        if (membership.equals(JOIN)) {
            ids = RoomStore.currentState(c, roomId);
        } else if (membership.equals("leave") || membership.equals("ban")) {
            String memberEvent = RoomStore.stateEventId(c, roomId, new StateKey(EventTypes.MEMBER, user.value()))
                    .orElseThrow();
            long group = EventStore.event(c, memberEvent).orElseThrow().stateGroup();
            ids = StateGroups.load(c, group);
        } else {
            throw Membership.notInRoom(roomId);
        }
        Map<String, Pdu> events = EventStore.pdus(c, ids.values());
        Map<StateKey, Pdu> state = new java.util.HashMap<>();
        ids.forEach((key, id) -> state.put(key, events.get(id)));
        return state;
    }

    private static JsonNode content(Connection c, String eventId) {
        try {
            return EventStore.pdu(c, eventId).content();
        } catch (SQLException e) {
            throw new dev.starling.server.storage.StorageException("cannot read event " + eventId, e);
        }
    }
}
