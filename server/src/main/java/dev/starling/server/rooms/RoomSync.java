package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.rooms.RoomStream.Batch;
import dev.starling.server.rooms.RoomStream.InvitedRoom;
import dev.starling.server.rooms.RoomStream.RoomBatch;
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
 * The rooms part of one /sync read ({@link RoomStream#sync}), in one database snapshot: the user's memberships
 * as of the sync's position, then per room the timeline (the {@link RoomFilter}'s timeline filter and history
 * visibility applied), the state (whole, or the changes in a limited timeline's gap; the state filter and
 * lazy-loaded members applied), invites with stripped state, and left rooms (not forgotten ones).
 */
final class RoomSync {
    private static final List<String> STRIPPED = List.of(EventTypes.CREATE, EventTypes.JOIN_RULES, EventTypes.NAME,
            "m.room.avatar", "m.room.canonical_alias", "m.room.encryption", EventTypes.TOPIC);

    private RoomSync() {}

    static Batch read(Connection c, UserId user, DeviceId device, Optional<StreamToken> since, long upTo, int limit,
            boolean fullState, RoomFilter filter) throws SQLException {
        return read(c, user, device, since, upTo, limit, fullState, filter, null, Long.MIN_VALUE);
    }

    /**
     * As {@link #read(Connection, UserId, DeviceId, Optional, long, int, boolean, RoomFilter)}, with the
     * in-memory reads of {@code known} when given (see {@link RoomStream}): memberships, which rooms have new
     * events, and the new events themselves.
     *
     * @param visible a position known committed before this read began (every position up to it is in its
     *     snapshot), or {@link Long#MIN_VALUE}: an {@code upTo} at or below it needs no read of the position
     */
    static Batch read(Connection c, UserId user, DeviceId device, Optional<StreamToken> since, long upTo, int limit,
            boolean fullState, RoomFilter filter, RoomStream.Known known, long visible) throws SQLException {
        long pos = upTo <= visible ? upTo : Math.min(upTo, StreamStore.position(c));
        long after = Math.min(since.map(StreamToken::position).orElse(0L), pos);
        List<RoomBatch> join = new ArrayList<>();
        List<InvitedRoom> invite = new ArrayList<>();
        List<RoomBatch> leave = new ArrayList<>();
        // An incremental sync reads the timelines of only the rooms that have new events (in memory when the
        // rooms' last changes are known since after: every stored event touched its room before its commit).
        boolean changesKnown = known != null && since.isPresent() && after >= known.changes().floor();
        Set<String> active = since.isPresent() && !changesKnown ? StreamStore.roomsWithEvents(c, after, pos) : Set.of();
        // Memberships as of pos, not now: a leave committed after pos must not hide (after, pos].
        List<StreamStore.MembershipAt> memberships = known != null ? known.memberships().memberships(c, user, pos)
                : StreamStore.memberships(c, user, pos);
        for (StreamStore.MembershipAt m : memberships) {
            if (!filter.includes(m.roomId())) {
                continue;
            }
            boolean changed = since.isEmpty() || m.ordering() > after;
            switch (m.membership()) {
                case RoomReader.JOIN -> {
                    boolean wholeState = since.isEmpty() || fullState || m.ordering() > after;
                    boolean news = changesKnown
                            ? !known.changes().unchangedSince(RoomChanges.room(m.roomId()), after)
                            : active.contains(m.roomId().value());
                    if (!wholeState && !news) {
                        continue;
                    }
                    Optional<List<StoredEvent>> recent = since.isPresent() && known != null
                            ? known.windows().events(c, m.roomId(), after, pos) : Optional.empty();
                    RoomBatch batch = roomBatch(c, user, device, m.roomId(), after, pos, limit, wholeState, filter,
                            recent, known);
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
                    // Rooms left within the range always; earlier ones on an initial sync with include_leave.
                    boolean wanted = since.isPresent() ? changed : filter.includeLeave();
                    if (wanted && !Forgetting.forgotten(c, user, m.roomId())) {
                        leave.add(roomBatch(c, user, device, m.roomId(), after, m.ordering(), limit, since.isEmpty(),
                                filter, Optional.empty(), known));
                    }
                }
            }
        }
        return new Batch(join, invite, leave);
    }

    private static RoomBatch roomBatch(Connection c, UserId user, DeviceId device, RoomId roomId, long after,
            long upTo, int limit, boolean wholeState, RoomFilter filter, Optional<List<StoredEvent>> recent,
            RoomStream.Known known) throws SQLException {
        RoomEventFilter timelineFilter = filter.timeline();
        RoomReader.StatesSeen seen = known == null ? new RoomReader.StatesSeen()
                : new RoomReader.StatesSeen(known.visibility(), user);
        Scan.Keep keep = event -> timelineFilter.matches(event.pdu())
                && RoomStream.visible(c, user, roomId, event, seen);
        Scan.Result scan = recent.isPresent() ? Scan.backwards(recent.get(), upTo, limit + 1, keep)
                : Scan.of(c, roomId, after, upTo, true, limit + 1, keep);
        boolean limited = scan.events().size() > limit || !scan.exhausted();
        List<StoredEvent> window = new ArrayList<>(scan.events().subList(0, Math.min(limit, scan.events().size())));
        Collections.reverse(window);
        long start = !window.isEmpty() ? window.get(0).streamOrdering() - 1
                : limited ? Math.max(after, scan.lastScanned() - 1) : upTo;
        List<ObjectNode> timeline = RoomStream.clientEvents(c, user, device, roomId, window, seen,
                known == null ? null : known.changes());
        Set<String> inTimeline = new HashSet<>();
        window.forEach(event -> inTimeline.add(event.pdu().eventId().value()));
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
        RoomEventFilter stateFilter = filter.state();
        if (stateFilter.lazyLoadMembers()) {
            lazyMembers(c, user, window, state, wholeState);
        }
        state.removeIf(event -> !stateFilter.matches(event));
        return new RoomBatch(roomId, timeline, limited, new StreamToken(start),
                ServedEvents.of(c, ServedEvents.Viewer.of(user, device), state, false));
    }

    /**
     * Lazy-loading: of the member events, keep those of the timeline's senders (and the user's own on a whole
     * state), and add those senders' member events the state lacks (as of the timeline's first event) unless
     * the timeline carries them.
     */
    private static void lazyMembers(Connection c, UserId user, List<StoredEvent> window, List<Pdu> state,
            boolean wholeState) throws SQLException {
        Set<String> needed = RoomStream.senders(window);
        if (wholeState) {
            needed.add(user.value());
        }
        state.removeIf(event -> !LazyMembers.keep(event, needed));
        if (window.isEmpty()) {
            return;
        }
        Set<String> missing = new HashSet<>(needed);
        state.forEach(event -> event.stateKey().filter(k -> event.type().equals(EventTypes.MEMBER))
                .ifPresent(missing::remove));
        window.forEach(event -> event.pdu().stateKey().filter(k -> event.pdu().type().equals(EventTypes.MEMBER))
                .ifPresent(missing::remove));
        state.addAll(LazyMembers.at(c, window.get(0).stateGroup(), missing, Optional.empty()));
    }

    private static List<ObjectNode> strippedState(Connection c, RoomId roomId, UserId user) throws SQLException {
        // An invite from another server to a room we are not in: the stripped state it came with, and the invite.
        Optional<List<ObjectNode>> remote = RemoteRoomStore.inviteRoomState(c, roomId, user);
        if (remote.isPresent()) {
            List<ObjectNode> stripped = new ArrayList<>(remote.get());
            Optional<String> invite = RoomStore.stateEventId(c, roomId, new StateKey(EventTypes.MEMBER, user.value()));
            if (invite.isPresent()) {
                EventStore.event(c, invite.get()).ifPresent(e -> stripped.add(RemoteInvites.strip(e.pdu())));
            }
            return stripped;
        }
        List<String> ids = new ArrayList<>();
        for (String type : STRIPPED) {
            RoomStore.stateEventId(c, roomId, new StateKey(type, "")).ifPresent(ids::add);
        }
        RoomStore.stateEventId(c, roomId, new StateKey(EventTypes.MEMBER, user.value())).ifPresent(ids::add);
        Map<String, Pdu> events = EventStore.pdus(c, ids);
        Map<String, Pdu> redactions = ServedEvents.redactions(c, ids);
        List<ObjectNode> stripped = new ArrayList<>();
        for (String id : ids) {
            Pdu event = events.get(id);
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            // A redacted name or topic must not reach invitees either.
            node.set("content", redactions.containsKey(id)
                    ? dev.starling.protocol.events.Redaction.redact(event.json(), event.roomVersion()).get("content")
                    : event.content().deepCopy());
            node.put("sender", event.sender().value());
            node.put("state_key", event.stateKey().orElse(""));
            node.put("type", event.type());
            stripped.add(node);
        }
        return stripped;
    }
}
