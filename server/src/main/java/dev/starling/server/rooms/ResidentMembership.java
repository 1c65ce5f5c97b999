package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.auth.AuthRules;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import dev.starling.server.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * This server as the resident of a room that another server's user joins or leaves through us, or as the
 * home of a user another server invites (Server-Server API § Joining rooms, § Leaving rooms, § Inviting to a
 * room). The federation package checks the request (origin, format, the origin's signature) and calls these;
 * here are the room's side of it: templates from our current state, the auth rules, our signature, and
 * storing the event through {@link EventStore#persist} under the room's lock. Thread-safe.
 */
public final class ResidentMembership {
    private final ServerName us;
    private final SigningKey key;
    private final Database db;
    private final EventBuilder builder;
    private final RoomLocks locks;
    private final Clock clock;
    private final RoomEventListener listener;
    private final Predicate<UserId> localUserExists;

    ResidentMembership(ServerName us, SigningKey key, Database db, EventBuilder builder, RoomLocks locks, Clock clock,
            RoomEventListener listener, Predicate<UserId> localUserExists) {
        this.us = us;
        this.key = key;
        this.db = db;
        this.builder = builder;
        this.locks = locks;
        this.clock = clock;
        this.listener = listener;
        this.localUserExists = localUserExists;
    }

    /** The answer of a make_join or make_leave: {room_version, event}, the event unsigned and unhashed. */
    public ObjectNode template(RoomId roomId, UserId user, String membership, Optional<List<String>> versions) {
        RoomStore.RoomInfo room = participatingRoom(roomId);
        if (versions.isPresent() && !versions.get().contains(room.version().id())) {
            throw new MatrixException(ErrorCode.M_INCOMPATIBLE_ROOM_VERSION, "the room's version "
                    + room.version().id() + " is not among the versions the joining server supports")
                    .withField("room_version", room.version().id());
        }
        EventBuilder.Request request = EventBuilder.Request.state(user, EventTypes.MEMBER, user.value(),
                RoomCreation.membership(membership));
        // Built and authorised as if it were sent now (an AuthException is 403 M_FORBIDDEN): a user who may
        // not join or leave gets no template.
        Pdu built = db.read(c -> builder.build(RoomStore.draft(c, room, request.authKeys(room.version())), request));
        ObjectNode event = built.json();
        event.remove("hashes");
        event.remove("signatures");
        event.remove("unsigned");
        event.put("origin", us.value());
        ObjectNode answer = RoomsApi.object();
        answer.put("room_version", room.version().id());
        answer.set("event", event);
        return answer;
    }

    /** The room's version, for parsing an event sent to it; 404 when we do not participate in the room. */
    public dev.starling.protocol.rooms.RoomVersion version(RoomId roomId) {
        return participatingRoom(roomId).version();
    }

    /**
     * A remote user's join or leave, already checked by the caller for shape, origin and signature: the auth
     * rules against its auth events and against the current state, our signature, stored. Returns the event
     * with our signature and the state before it (for send_join).
     */
    public Accepted accept(Pdu event) {
        RoomId roomId = event.roomId();
        RoomStore.RoomInfo room = participatingRoom(roomId);
        return locks.withLock(roomId, () -> {
            RoomDraft draft = db.read(c -> RoomStore.draft(c, room, AuthRules.authEventKeys(event)));
            Map<String, StoredEvent> auth = db.read(c -> EventStore.storedEvents(c,
                    event.authEvents().stream().map(EventId::value).toList()));
            if (auth.size() != event.authEvents().size()) {
                throw MatrixException.forbidden("the event names auth events this server does not have");
            }
            List<Pdu> authEvents = auth.values().stream().map(StoredEvent::pdu).toList();
            Map<StateKey, Pdu> authState = new HashMap<>();
            draft.get(RoomStore.CREATE).ifPresent(create -> authState.put(RoomStore.CREATE, create));
            authEvents.forEach(e -> authState.put(e.stateTuple(), e));
            AuthRules.checkAuthEvents(event, authEvents);
            AuthRules.check(event, authState);
            AuthRules.check(event, draft.state());
            Pdu signed = Pdu.fromJson(EventSigning.sign(RemoteRoomStore.withoutUnsigned(event.json()), room.version(), us, key),
                    room.version());
            boolean fresh = db.inTransaction(c -> {
                if (EventStore.event(c, signed.eventId().value()).isPresent()) {
                    return false; // a retried send_join: the event is stored already
                }
                EventStore.persist(c, draft, List.of(signed), Optional.empty(), clock.millis());
                markAcceptedAsResident(c, signed.eventId());
                return true;
            });
            if (fresh) {
                listener.committed(roomId, Set.of(UserId.parse(signed.stateKey().orElseThrow())), 1);
            }
            return db.read(c -> answer(c, signed, draft.storedStateGroup()));
        });
    }

    /**
     * Flags the stored event as a join or leave we accepted as the resident: its server gave it only to us, and
     * the outbound stream (federation.sender) sends it on to the room's other servers (Server-Server API § Joining
     * rooms: "the resident server … sends the event on to the other servers in the room").
     */
    private static void markAcceptedAsResident(Connection c, EventId eventId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE events SET accepted_as_resident = ? WHERE event_id = ?")) {
            s.setBoolean(1, true);
            s.setString(2, eventId.value());
            s.executeUpdate();
        }
    }

    /** An accepted member event with our signature, the room's state before it, and that state's auth chain. */
    public record Accepted(Pdu event, List<Pdu> state, List<Pdu> authChain, Set<String> serversInRoom) {}

    /**
     * An invite of one of our users from another server (already checked for shape, origin and signature):
     * our signature; stored out-of-band with its stripped state unless we participate in the room (then the
     * event reaches us again through the room's own traffic). Returns the event with our signature.
     */
    public Pdu acceptInvite(Pdu event, ArrayNode inviteRoomState) {
        UserId target = UserId.parse(event.stateKey().orElseThrow());
        if (!target.server().equals(us)) {
            throw MatrixException.forbidden("the invited user " + target + " is not on this server");
        }
        if (!localUserExists.test(target)) {
            throw MatrixException.notFound("no user " + target + " on this server");
        }
        Pdu signed = Pdu.fromJson(EventSigning.sign(RemoteRoomStore.withoutUnsigned(event.json()), event.roomVersion(), us, key),
                event.roomVersion());
        RoomId roomId = signed.roomId();
        boolean stored = locks.withLock(roomId, () -> db.inTransaction(c -> {
            if (RemoteRoomStore.participating(c, roomId, us) || EventStore.event(c, signed.eventId().value()).isPresent()) {
                return false;
            }
            RemoteRoomStore.persistOutOfBand(c, signed, inviteRoomState);
            return true;
        }));
        if (stored) {
            listener.committed(roomId, Set.of(target), 1);
        }
        return signed;
    }

    private RoomStore.RoomInfo participatingRoom(RoomId roomId) {
        return db.read(c -> RemoteRoomStore.participating(c, roomId, us) ? RoomStore.room(c, roomId) : Optional.<RoomStore.RoomInfo>empty())
                .orElseThrow(() -> MatrixException.notFound("room " + roomId + " is not known to this server"));
    }

    private static Accepted answer(Connection c, Pdu event, long stateGroupBefore) throws SQLException {
        Map<StateKey, String> ids = StateGroups.load(c, stateGroupBefore);
        Map<String, Pdu> state = EventStore.pdus(c, ids.values());
        List<Pdu> chain = authChain(c, state.values(), event);
        Set<String> servers = new TreeSet<>();
        for (Pdu member : state.values()) {
            if (member.type().equals(EventTypes.MEMBER) && "join".equals(member.content().path("membership").asText())) {
                servers.add(UserId.parse(member.stateKey().orElseThrow()).server().value());
            }
        }
        servers.add(event.sender().server().value());
        return new Accepted(event, List.copyOf(state.values()), chain, servers);
    }

    /** Every event reachable through auth_events from {@code from} and {@code event}: loaded in chunks. */
    static List<Pdu> authChain(Connection c, Collection<Pdu> from, Pdu event) throws SQLException {
        Map<String, Pdu> seen = new HashMap<>();
        Deque<String> frontier = new ArrayDeque<>();
        Set<String> queued = new HashSet<>();
        List<Pdu> starts = new ArrayList<>(from);
        starts.add(event);
        for (Pdu start : starts) {
            for (EventId id : start.authEvents()) {
                if (queued.add(id.value())) {
                    frontier.add(id.value());
                }
            }
        }
        while (!frontier.isEmpty()) {
            List<String> batch = new ArrayList<>(frontier);
            frontier.clear();
            for (StoredEvent stored : EventStore.storedEvents(c, batch).values()) {
                Pdu pdu = stored.pdu();
                seen.put(pdu.eventId().value(), pdu);
                for (EventId id : pdu.authEvents()) {
                    if (queued.add(id.value())) {
                        frontier.add(id.value());
                    }
                }
            }
        }
        return List.copyOf(seen.values());
    }
}
