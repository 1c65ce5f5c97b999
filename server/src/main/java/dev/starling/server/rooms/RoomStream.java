package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.Database;
import dev.starling.server.storage.StreamChanges;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rooms read by stream position for /sync (what changed for a user between two tokens) and /messages (a
 * room's events page by page), with history visibility applied to every event ({@link RoomReader}). Events
 * come in the client format. Each call reads one bounded range: nothing past the position read first.
 */
public final class RoomStream {
    /** A joined or left room in a sync: its timeline (chronological) and the state before it. */
    public record RoomBatch(RoomId roomId, List<ObjectNode> timeline, boolean limited, StreamToken prevBatch,
            List<ObjectNode> state) {}

    /** A room the user is invited to: stripped state (Client-Server API § Stripped state). */
    public record InvitedRoom(RoomId roomId, List<ObjectNode> inviteState) {}

    public record Batch(List<RoomBatch> join, List<InvitedRoom> invite, List<RoomBatch> leave) {
        public boolean isEmpty() {
            return join.isEmpty() && invite.isEmpty() && leave.isEmpty();
        }
    }

    /** One page of /messages: {@code end} is empty when there is nothing further in that direction. */
    public record Page(StreamToken start, Optional<StreamToken> end, List<ObjectNode> chunk, List<ObjectNode> state) {}

    /**
     * What /sync knows without reading: the streams' last changes ({@link RoomChanges} keys), each user's
     * memberships, each room's recent events.
     */
    record Known(StreamChanges changes, MembershipCache memberships, EventWindows windows,
            RoomReader.StatesSeen.Shared visibility) {}

    private static final Batch NOTHING = new Batch(List.of(), List.of(), List.of());

    private final Database db;
    private final Known known;

    RoomStream(Database db) {
        this.db = db;
        StreamChanges changes = db.changes();
        this.known = new Known(changes, new MembershipCache(changes), new EventWindows(changes),
                new RoomReader.StatesSeen.Shared());
    }

    /** The recent events of each room (shared with {@link RoomEvents}). */
    EventWindows windows() {
        return known.windows();
    }

    /** Users whose joined rooms are kept, at most; all are dropped when full. */
    static final int MAX_JOINED_KEPT = 100_000;

    /** A user's joined rooms as read in one snapshot with the stream position {@code at}. */
    private record Joined(List<RoomId> rooms, long at) {}

    private final java.util.concurrent.ConcurrentHashMap<String, Joined> joined =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The rooms the user is joined to now. Kept per user from the last read, which also read the stream
     * position in its snapshot: still the answer while no member event targeting the user was stored after
     * that position ({@link RoomChanges#member}, touched before the event's commit), so it equals a read. A
     * current member event that changes without a new member event targeting the user (a state resolution over
     * federation picking another branch's) is not seen until the user's next member event.
     */
    public List<RoomId> joinedRooms(UserId user) {
        Joined kept = joined.get(user.value());
        if (kept != null && known.changes().unchangedSince(RoomChanges.member(user), kept.at())) {
            return kept.rooms();
        }
        Joined read = db.read(c -> new Joined(List.copyOf(RoomStore.joinedRooms(c, user)), StreamStore.position(c)));
        if (joined.size() >= MAX_JOINED_KEPT) {
            joined.clear();
        }
        joined.merge(user.value(), read, (old, now) -> now.at() >= old.at() ? now : old);
        return read.rooms();
    }

    /** As {@link #joinedRooms}, always from the database (tests compare the two). */
    List<RoomId> readJoinedRooms(UserId user) {
        return db.read(c -> RoomStore.joinedRooms(c, user));
    }

    /**
     * The greatest committed stream position (see {@code storage.StreamPositions}): from memory where the
     * database knows it ({@code Database.committedPosition}, SQLite), else read.
     */
    public long position() {
        java.util.OptionalLong known = db.committedPosition();
        return known.isPresent() ? known.getAsLong() : db.read(StreamStore::position);
    }

    /**
     * What {@code user} may see of changes in {@code (since, upTo]} (everything up to {@code upTo}, for an
     * initial sync): joined rooms with new events (at most {@code limit} per room, {@code limited} when there
     * were more), invites, and rooms left after {@code since}.
     */
    public Batch sync(UserId user, DeviceId device, Optional<StreamToken> since, long upTo, int limit,
            boolean fullState) {
        return sync(user, device, since, upTo, limit, fullState, RoomFilter.NONE);
    }

    /** As {@link #sync(UserId, DeviceId, Optional, long, int, boolean)}, with the sync filter's {@code room} part. */
    public Batch sync(UserId user, DeviceId device, Optional<StreamToken> since, long upTo, int limit,
            boolean fullState, RoomFilter filter) {
        if (since.isPresent() && !fullState && nothingNew(user, since.get().position(), upTo, filter)) {
            return NOTHING; // no transaction at all
        }
        // Taken before the read begins: every position up to it is visible to the read's snapshot.
        long visible = db.committedPosition().orElse(Long.MIN_VALUE);
        return db.readLazily(c -> RoomSync.read(c, user, device, since, upTo, limit, fullState, filter, known,
                visible));
    }

    /**
     * Whether an incremental sync in {@code (after, upTo]} would find nothing, known from memory: no member event
     * targeting the user after {@code after} (so no invite, leave or new join, and the memberships are those
     * cached) and no event in any room the user is joined to (that the filter keeps) after {@code after}.
     */
    private boolean nothingNew(UserId user, long after, long upTo, RoomFilter filter) {
        StreamChanges changes = known.changes();
        if (after > upTo || !changes.unchangedSince(RoomChanges.member(user), after)) {
            return false;
        }
        Optional<List<StreamStore.MembershipAt>> memberships = known.memberships().cached(user, upTo);
        if (memberships.isEmpty()) {
            return false;
        }
        for (StreamStore.MembershipAt m : memberships.get()) {
            if (m.membership().equals(RoomReader.JOIN) && filter.includes(m.roomId())
                    && !changes.unchangedSince(RoomChanges.room(m.roomId()), after)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A page of the room's events from {@code from} (the newest position, or the room's beginning going
     * forwards, when empty) towards {@code to}, the events {@code filter} keeps; 403 for a user who never had a
     * membership in the room or forgot it. With {@code lazy_load_members}, {@code state} holds the member
     * events of the page's senders (Client-Server API § Lazy-loading room members).
     */
    public Page messages(UserId user, DeviceId device, RoomId roomId, Optional<StreamToken> from, boolean backwards,
            int limit, Optional<StreamToken> to, RoomEventFilter filter) {
        return db.read(c -> {
            if (RoomStore.membership(c, roomId, user).isEmpty() || Forgetting.forgotten(c, user, roomId)
                    || !filter.matchesRoom(roomId)) {
                throw Membership.notInRoom(roomId);
            }
            long pos = StreamStore.position(c);
            long start = from.map(StreamToken::position).orElse(backwards ? pos : 0L);
            long after = backwards ? to.map(StreamToken::position).orElse(0L) : start;
            long upTo = backwards ? start : to.map(StreamToken::position).orElse(pos);
            RoomReader.StatesSeen seen = new RoomReader.StatesSeen();
            Scan.Result scan = Scan.of(c, roomId, after, upTo, backwards, limit + 1,
                    event -> filter.matches(event.pdu()) && visible(c, user, roomId, event, seen));
            List<StoredEvent> events = scan.events().subList(0, Math.min(limit, scan.events().size()));
            Optional<StreamToken> end = Optional.empty();
            if (scan.events().size() > limit) {
                long last = events.isEmpty() ? start : events.get(events.size() - 1).streamOrdering();
                end = Optional.of(new StreamToken(events.isEmpty() || !backwards ? last : last - 1));
            } else if (!scan.exhausted()) { // stopped at the scan limit: the client continues from there
                end = Optional.of(new StreamToken(backwards ? scan.lastScanned() - 1 : scan.lastScanned()));
            }
            List<ObjectNode> chunk = clientEvents(c, user, device, roomId, events, seen, known.changes());
            List<ObjectNode> state = List.of();
            if (filter.lazyLoadMembers() && !events.isEmpty()) {
                state = ServedEvents.of(c, ServedEvents.Viewer.of(user, device),
                        LazyMembers.at(c, events.get(0).stateGroup(), senders(events), Optional.empty()), false);
            }
            return new Page(new StreamToken(start), end, chunk, state);
        });
    }

    static java.util.Set<String> senders(List<StoredEvent> events) {
        java.util.Set<String> senders = new java.util.LinkedHashSet<>();
        events.forEach(event -> senders.add(event.pdu().sender().value()));
        return senders;
    }

    /**
     * The events the user may see, in the client format; the device's own have {@code unsigned.transaction_id}
     * (Client-Server API § Transaction identifiers).
     */
    static List<ObjectNode> clientEvents(Connection c, UserId user, DeviceId device, RoomId roomId,
            List<StoredEvent> events) throws SQLException {
        return clientEvents(c, user, device, roomId, events, new RoomReader.StatesSeen(), null);
    }

    /**
     * As {@link #clientEvents(Connection, UserId, DeviceId, RoomId, List)}, reusing {@code seen} (same user);
     * with {@code changes} (null: none), the new events nothing names are served without lookups
     * ({@link ServedEvents#unnamed}).
     */
    static List<ObjectNode> clientEvents(Connection c, UserId user, DeviceId device, RoomId roomId,
            List<StoredEvent> events, RoomReader.StatesSeen seen, StreamChanges changes) throws SQLException {
        List<StoredEvent> visible = new ArrayList<>();
        for (StoredEvent event : events) {
            if (visible(c, user, roomId, event, seen)) {
                visible.add(event);
            }
        }
        return ServedEvents.ofStored(c, ServedEvents.Viewer.of(user, device), visible, true, changes);
    }

    /**
     * History visibility ({@link RoomReader}), and a user always sees their own member events (RoomReader
     * judges by the state after an event, where a leave would otherwise hide itself).
     */
    static boolean visible(Connection c, UserId user, RoomId roomId, StoredEvent event) throws SQLException {
        return visible(c, user, roomId, event, new RoomReader.StatesSeen());
    }

    /** As {@link #visible(Connection, UserId, RoomId, StoredEvent)}, reusing {@code seen} (same user). */
    static boolean visible(Connection c, UserId user, RoomId roomId, StoredEvent event, RoomReader.StatesSeen seen)
            throws SQLException {
        Pdu pdu = pdu(event);
        return (pdu.type().equals(EventTypes.MEMBER) && pdu.stateKey().filter(user.value()::equals).isPresent())
                || RoomReader.visible(c, user, roomId, event, seen);
    }

    private static Pdu pdu(StoredEvent event) {
        return event.pdu();
    }
}
