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
    public record Page(StreamToken start, Optional<StreamToken> end, List<ObjectNode> chunk) {}

    private static final List<String> STRIPPED = List.of(EventTypes.CREATE, EventTypes.JOIN_RULES, EventTypes.NAME,
            "m.room.avatar", "m.room.canonical_alias", "m.room.encryption", EventTypes.TOPIC);

    private final Database db;

    RoomStream(Database db) {
        this.db = db;
    }

    /** The rooms the user is joined to now. */
    public List<RoomId> joinedRooms(UserId user) {
        return db.read(c -> RoomStore.joinedRooms(c, user));
    }

    /** The greatest committed stream position (see {@code storage.StreamPositions}). */
    public long position() {
        return db.read(StreamStore::position);
    }

    /**
     * What {@code user} may see of changes in {@code (since, upTo]} (everything up to {@code upTo}, for an
     * initial sync): joined rooms with new events (at most {@code limit} per room, {@code limited} when there
     * were more), invites, and rooms left after {@code since}.
     */
    public Batch sync(UserId user, DeviceId device, Optional<StreamToken> since, long upTo, int limit,
            boolean fullState) {
        return db.read(c -> {
            long pos = Math.min(upTo, StreamStore.position(c));
            long after = Math.min(since.map(StreamToken::position).orElse(0L), pos);
            List<RoomBatch> join = new ArrayList<>();
            List<InvitedRoom> invite = new ArrayList<>();
            List<RoomBatch> leave = new ArrayList<>();
            // An incremental sync reads the timelines of only the rooms that have new events.
            Set<String> active = since.isPresent() ? StreamStore.roomsWithEvents(c, after, pos) : Set.of();
            // Memberships as of pos, not now: a leave committed after pos must not hide (after, pos].
            for (StreamStore.MembershipAt m : StreamStore.memberships(c, user, pos)) {
                boolean changed = since.isEmpty() || m.ordering() > after;
                switch (m.membership()) {
                    case RoomReader.JOIN -> {
                        boolean wholeState = since.isEmpty() || fullState || m.ordering() > after;
                        if (!wholeState && !active.contains(m.roomId().value())) {
                            continue;
                        }
                        RoomBatch batch = roomBatch(c, user, device, m.roomId(), after, pos, limit, wholeState);
                        if (!batch.timeline().isEmpty() || !batch.state().isEmpty()) {
                            join.add(batch);
                        }
                    }
                    case "invite" -> {
                        if (changed) {
                            invite.add(new InvitedRoom(m.roomId(), strippedState(c, m.roomId(), user)));
                        }
                    }
                    default -> {
                        if (since.isPresent() && changed) {
                            leave.add(roomBatch(c, user, device, m.roomId(), after, m.ordering(), limit, false));
                        }
                    }
                }
            }
            return new Batch(join, invite, leave);
        });
    }

    private static RoomBatch roomBatch(Connection c, UserId user, DeviceId device, RoomId roomId, long after,
            long upTo, int limit, boolean wholeState) throws SQLException {
        List<StoredEvent> newest = StreamStore.range(c, roomId, after, upTo, limit + 1, true, false);
        boolean limited = newest.size() > limit;
        List<StoredEvent> window = new ArrayList<>(newest.subList(0, Math.min(limit, newest.size())));
        Collections.reverse(window);
        long start = window.isEmpty() ? upTo : window.get(0).streamOrdering() - 1;
        List<ObjectNode> timeline = clientEvents(c, user, device, roomId, window);
        Set<String> inTimeline = new HashSet<>();
        timeline.forEach(event -> inTimeline.add(event.path("event_id").asText()));
        List<Pdu> state = new ArrayList<>();
        if (wholeState) {
            Map<StateKey, String> ids = StateGroups.load(c, StreamStore.stateGroupAt(c, roomId, upTo));
            ids.values().removeAll(inTimeline);
            state.addAll(EventStore.pdus(c, ids.values()).values());
        } else if (limited) {
            // The state changes between since and the start of the timeline, the last one per key.
            Map<StateKey, Pdu> latest = new LinkedHashMap<>();
            for (StoredEvent event : StreamStore.range(c, roomId, after, start, Integer.MAX_VALUE, false, true)) {
                latest.put(event.pdu().stateTuple(), event.pdu());
            }
            state.addAll(latest.values());
        }
        return new RoomBatch(roomId, timeline, limited, new StreamToken(start),
                ServedEvents.of(c, ServedEvents.Viewer.of(user, device), state, false));
    }

    private static List<ObjectNode> strippedState(Connection c, RoomId roomId, UserId user) throws SQLException {
        List<String> ids = new ArrayList<>();
        for (String type : STRIPPED) {
            RoomStore.stateEventId(c, roomId, new StateKey(type, "")).ifPresent(ids::add);
        }
        RoomStore.stateEventId(c, roomId, new StateKey(EventTypes.MEMBER, user.value())).ifPresent(ids::add);
        Map<String, Pdu> events = EventStore.pdus(c, ids);
        List<ObjectNode> stripped = new ArrayList<>();
        for (String id : ids) {
            Pdu event = events.get(id);
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.set("content", event.content().deepCopy());
            node.put("sender", event.sender().value());
            node.put("state_key", event.stateKey().orElse(""));
            node.put("type", event.type());
            stripped.add(node);
        }
        return stripped;
    }

    /**
     * A page of the room's events from {@code from} (the newest position, or the room's beginning going
     * forwards, when empty) towards {@code to}; 403 for a user who never had a membership in the room.
     */
    public Page messages(UserId user, DeviceId device, RoomId roomId, Optional<StreamToken> from, boolean backwards, int limit,
            Optional<StreamToken> to) {
        return db.read(c -> {
            if (RoomStore.membership(c, roomId, user).isEmpty()) {
                throw Membership.notInRoom(roomId);
            }
            long pos = StreamStore.position(c);
            long start = from.map(StreamToken::position).orElse(backwards ? pos : 0L);
            List<StoredEvent> events = backwards
                    ? StreamStore.range(c, roomId, to.map(StreamToken::position).orElse(0L), start, limit + 1, true, false)
                    : StreamStore.range(c, roomId, start, to.map(StreamToken::position).orElse(pos), limit + 1, false,
                            false);
            boolean more = events.size() > limit;
            events = events.subList(0, Math.min(limit, events.size()));
            List<ObjectNode> chunk = clientEvents(c, user, device, roomId, events);
            Optional<StreamToken> end = Optional.empty();
            if (more) {
                long last = events.get(events.size() - 1).streamOrdering();
                end = Optional.of(new StreamToken(backwards ? last - 1 : last));
            }
            return new Page(new StreamToken(start), end, chunk);
        });
    }

    /**
     * The events the user may see, in the client format; the device's own have {@code unsigned.transaction_id}
     * (Client-Server API § Transaction identifiers).
     */
    private static List<ObjectNode> clientEvents(Connection c, UserId user, DeviceId device, RoomId roomId,
            List<StoredEvent> events) throws SQLException {
        List<Pdu> visible = new ArrayList<>();
        for (StoredEvent event : events) {
            if (visible(c, user, roomId, event)) {
                visible.add(event.pdu());
            }
        }
        return ServedEvents.of(c, ServedEvents.Viewer.of(user, device), visible, true);
    }

    /**
     * History visibility ({@link RoomReader}), and a user always sees their own member events (RoomReader
     * judges by the state after an event, where a leave would otherwise hide itself).
     */
    static boolean visible(Connection c, UserId user, RoomId roomId, StoredEvent event) throws SQLException {
        Pdu pdu = pdu(event);
        return (pdu.type().equals(EventTypes.MEMBER) && pdu.stateKey().filter(user.value()::equals).isPresent())
                || RoomReader.visible(c, user, roomId, event);
    }

    private static Pdu pdu(StoredEvent event) {
        return event.pdu();
    }
}
