package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import dev.starling.server.storage.Database;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invites across servers, the outbound side (Server-Server API § Inviting to a room, § Leaving rooms):
 * inviting a user of another server (our invite event goes to their server, which must countersign it, before
 * we store it), and a local user rejecting an invite to a room we do not participate in ({@code make_leave}
 * / {@code send_leave} through the inviting server; when no server answers, the invite is rejected here
 * only, as Synapse does). Thread-safe.
 */
final class RemoteInvites {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteInvites.class);
    /** The state types an invite carries, stripped (Client-Server API § Stripped state). */
    static final List<String> STRIPPED = List.of(EventTypes.CREATE, EventTypes.JOIN_RULES, EventTypes.NAME,
            "m.room.avatar", "m.room.canonical_alias", "m.room.encryption", EventTypes.TOPIC);

    private final ServerName us;
    private final SigningKey key;
    private final Database db;
    private final EventBuilder builder;
    private final RoomLocks locks;
    private final Clock clock;
    private final RoomEventListener listener;
    private final MembershipFederation federation;

    RemoteInvites(ServerName us, SigningKey key, Database db, EventBuilder builder, RoomLocks locks, Clock clock,
            RoomEventListener listener, MembershipFederation federation) {
        this.us = us;
        this.key = key;
        this.db = db;
        this.builder = builder;
        this.locks = locks;
        this.clock = clock;
        this.listener = listener;
        this.federation = federation;
    }

    /**
     * Invites {@code target}, a user of another server, into a room we participate in. The invitee's server
     * is asked under the room's lock (so the event's prev_events stay the extremities), and the event is
     * stored only with its countersignature.
     */
    void invite(UserId sender, RoomId roomId, UserId target, ObjectNode content) {
        locks.withLock(roomId, () -> {
            EventBuilder.Request request = EventBuilder.Request.state(sender, EventTypes.MEMBER, target.value(), content);
            RoomDraft draft = db.read(c -> {
                if (!RemoteRoomStore.participating(c, roomId, us)) {
                    throw Membership.notInRoom(roomId);
                }
                RoomStore.RoomInfo room = RoomStore.room(c, roomId).orElseThrow(() -> Membership.notInRoom(roomId));
                Set<StateKey> keys = new LinkedHashSet<>(request.authKeys(room.version()));
                STRIPPED.forEach(type -> keys.add(new StateKey(type, "")));
                keys.add(new StateKey(EventTypes.MEMBER, sender.value()));
                return RoomStore.draft(c, room, keys);
            });
            Pdu event = builder.build(draft, request);
            ObjectNode body = RoomsApi.object();
            body.put("room_version", draft.version().id());
            body.set("event", event.json());
            ArrayNode stripped = body.putArray("invite_room_state");
            // Full PDUs, not stripped events (spec v1.16, MSC4311: the receiver may check their signatures and
            // that they are in the room; Synapse 1.163 logs stripped ones as invalid and will refuse them).
            for (String type : STRIPPED) {
                draft.get(new StateKey(type, "")).ifPresent(e -> stripped.add(RemoteRoomStore.withoutUnsigned(e.json())));
            }
            draft.get(new StateKey(EventTypes.MEMBER, sender.value()))
                    .ifPresent(e -> stripped.add(RemoteRoomStore.withoutUnsigned(e.json())));
            Pdu countersigned;
            try {
                ObjectNode answer = federation.invite(target.server(), roomId, event.eventId(), body);
                JsonNode returned = answer.get("event");
                if (!(returned instanceof ObjectNode returnedEvent)) {
                    throw MatrixException.forbidden(target.server() + " answered the invite without an event");
                }
                countersigned = Pdu.fromJson(RemoteRoomStore.withoutUnsigned(returnedEvent), draft.version());
                if (!countersigned.eventId().equals(event.eventId())) {
                    throw MatrixException.forbidden(target.server() + " changed the invite event");
                }
                federation.verifySignedBy(countersigned.json(), draft.version(), target.server());
                federation.verifySignedBy(countersigned.json(), draft.version(), us);
            } catch (MembershipFederation.RemoteFailure e) {
                LOG.info("remote invite failed room_id={} server={} status={}", roomId, target.server(), e.status());
                throw e.status() == 403 || e.status() == 400
                        ? MatrixException.forbidden(target.server() + " refused the invite: " + e.getMessage())
                        : new MatrixException(dev.starling.server.http.ErrorCode.M_UNKNOWN,
                                "cannot reach " + target.server() + ": " + e.getMessage()).withStatus(502);
            } catch (dev.starling.protocol.ProtocolException e) {
                throw MatrixException.forbidden(target.server() + " answered the invite with a bad event: "
                        + e.getMessage());
            }
            db.inTransaction(c -> {
                EventStore.persist(c, draft, List.of(countersigned), Optional.empty(), clock.millis());
                return null;
            });
            listener.committed(roomId, Set.of(target), 1);
            return null;
        });
    }

    /**
     * Rejects the user's invite to a room we do not participate in: make_leave/send_leave through the
     * inviter's server (then the room's own server), then the leave stored out-of-band.
     */
    void reject(UserId user, RoomId roomId, Optional<String> reason) {
        Pdu invite = db.read(c -> {
                    Optional<String> id = RoomStore.stateEventId(c, roomId, new StateKey(EventTypes.MEMBER, user.value()));
                    return id.isPresent() ? EventStore.event(c, id.get()) : Optional.<StoredEvent>empty();
                }).map(StoredEvent::pdu)
                .filter(e -> "invite".equals(e.content().path("membership").asText()))
                .orElseThrow(() -> Membership.notInRoom(roomId));
        Set<ServerName> servers = new LinkedHashSet<>();
        servers.add(invite.sender().server());
        roomId.server().ifPresent(servers::add);
        servers.remove(us);
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        reason.ifPresent(r -> content.put("reason", r));
        Pdu leave = null;
        for (ServerName server : servers) {
            try {
                ObjectNode template = federation.makeLeave(server, roomId, user);
                Pdu candidate = Templates.fill(template, roomId, user, "leave", content, us, key, clock.millis());
                federation.sendLeave(server, roomId, candidate.eventId(), candidate.json());
                leave = candidate;
                break;
            } catch (MembershipFederation.RemoteFailure | Templates.Refused e) {
                LOG.info("remote leave failed room_id={} server={} reason={}", roomId, server, e.getMessage());
            }
        }
        if (leave == null) {
            leave = localRejection(invite, user, content);
        }
        Pdu stored = leave;
        locks.withLock(roomId, () -> db.inTransaction(c -> RemoteRoomStore.persistOutOfBand(c, stored, null)));
        listener.committed(roomId, Set.of(user), 1);
    }

    /** A leave that only this server knows of: after the invite, signed by us (no resident server answered). */
    private Pdu localRejection(Pdu invite, UserId user, ObjectNode extra) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", EventTypes.MEMBER);
        json.put("sender", user.value());
        json.put("state_key", user.value());
        json.put("room_id", invite.roomId().value());
        ObjectNode content = json.putObject("content");
        content.setAll(extra);
        content.put("membership", "leave");
        json.putArray("prev_events").add(invite.eventId().value());
        json.putArray("auth_events").add(invite.eventId().value());
        json.put("depth", invite.depth() + 1);
        json.put("origin_server_ts", clock.millis());
        return Pdu.fromJson(EventSigning.sign(json, invite.roomVersion(), us, key), invite.roomVersion());
    }

    /** The stripped form of a state event (Client-Server API § Stripped state). */
    static ObjectNode strip(Pdu event) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.set("content", event.content().deepCopy());
        node.put("sender", event.sender().value());
        node.put("state_key", event.stateKey().orElse(""));
        node.put("type", event.type());
        return node;
    }
}
