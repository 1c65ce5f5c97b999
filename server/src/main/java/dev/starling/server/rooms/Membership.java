package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomAlias;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import dev.starling.server.storage.Database;
import dev.starling.protocol.events.StateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Membership changes (Client-Server API § Room membership): join, invite, leave, kick, ban, unban. Each is
 * an {@code m.room.member} event through {@link EventSender}, so the auth rules decide who may do what.
 * Rooms this server does not participate in go over federation ({@link RemoteJoin}, {@link RemoteInvites}).
 */
final class Membership {
    private final ServerName serverName;
    private final Database db;
    private final EventSender sender;
    private final Predicate<UserId> localUserExists;
    private final DirectoryHooks directory;
    private final RemoteJoin remoteJoin;
    private final RemoteInvites remoteInvites;

    Membership(ServerName serverName, Database db, EventSender sender, Predicate<UserId> localUserExists,
            DirectoryHooks directory, RemoteJoin remoteJoin, RemoteInvites remoteInvites) {
        this.serverName = serverName;
        this.db = db;
        this.sender = sender;
        this.localUserExists = localUserExists;
        this.directory = directory;
        this.remoteJoin = remoteJoin;
        this.remoteInvites = remoteInvites;
    }

    /**
     * The room a local alias names (Client-Server API § Joining rooms, by alias). NOTSPEC for now: an alias
     * on another server needs a federation directory query, so it is 404 like an unknown local one.
     */
    RoomId resolve(RoomAlias alias) {
        return db.read(c -> directory.resolveAlias(c, alias))
                .orElseThrow(() -> MatrixException.notFound("room alias " + alias + " is not known"));
    }

    /** Joins; joining a room one is already in changes nothing (the spec makes join idempotent). */
    void join(UserId user, RoomId roomId) {
        join(user, roomId, List.of());
    }

    /**
     * Joins; a room this server does not participate in is joined over federation through {@code servers}
     * (the client's server_name / via), then the inviter's server, then the room ID's server (v10/v11 IDs).
     */
    void join(UserId user, RoomId roomId, List<ServerName> servers) {
        if (db.read(c -> RoomStore.membership(c, roomId, user)).filter("join"::equals).isPresent()) {
            return;
        }
        if (!db.read(c -> RemoteRoomStore.participating(c, roomId, serverName))) {
            List<ServerName> candidates = new ArrayList<>(servers);
            db.read(c -> {
                Optional<String> invite = RoomStore.stateEventId(c, roomId, new StateKey(EventTypes.MEMBER, user.value()));
                return invite.isPresent() ? EventStore.event(c, invite.get()) : Optional.<StoredEvent>empty();
            }).ifPresent(invite -> candidates.add(invite.pdu().sender().server()));
            roomId.server().ifPresent(candidates::add);
            candidates.addAll(db.read(c -> RemoteRoomStore.joinedServers(c, roomId)));
            remoteJoin.join(user, roomId, candidates, directory.memberProfile(user));
            return;
        }
        // The join carries the user's profile, as every server does (Client-Server API § m.room.member).
        change(user, roomId, user, "join", Optional.empty(), directory.memberProfile(user),
                () -> MatrixException.notFound("no room " + roomId + " on this server"));
    }

    void invite(UserId sender, RoomId roomId, UserId target, Optional<String> reason) {
        if (!target.server().equals(serverName)) {
            ObjectNode content = RoomCreation.membership("invite");
            reason.ifPresent(r -> content.put("reason", r));
            remoteInvites.invite(sender, roomId, target, content);
            return;
        }
        if (!localUserExists.test(target)) {
            throw MatrixException.notFound("no such user " + target);
        }
        // The invite carries the invitee's profile, as Synapse's default (include_profile_data_on_invite).
        change(sender, roomId, target, "invite", reason, directory.memberProfile(target), () -> notInRoom(roomId));
    }

    void leave(UserId user, RoomId roomId, Optional<String> reason) {
        // An invite to a room we do not participate in is rejected through the inviting server.
        if (db.read(c -> RoomStore.room(c, roomId).isPresent() && !RemoteRoomStore.participating(c, roomId, serverName))) {
            remoteInvites.reject(user, roomId, reason);
            return;
        }
        change(user, roomId, user, "leave", reason, () -> notInRoom(roomId));
    }

    void kick(UserId sender, RoomId roomId, UserId target, Optional<String> reason) {
        change(sender, roomId, target, "leave", reason, () -> notInRoom(roomId));
    }

    void ban(UserId sender, RoomId roomId, UserId target, Optional<String> reason) {
        change(sender, roomId, target, "ban", reason, () -> notInRoom(roomId));
    }

    /** Unbans: the target's membership becomes leave; a target who is not banned is 403. */
    void unban(UserId sender, RoomId roomId, UserId target, Optional<String> reason) {
        if (db.read(c -> RoomStore.membership(c, roomId, target)).filter("ban"::equals).isEmpty()) {
            throw MatrixException.forbidden(target + " is not banned from this room");
        }
        change(sender, roomId, target, "leave", reason, () -> notInRoom(roomId));
    }

    private EventId change(UserId sender, RoomId roomId, UserId target, String membership, Optional<String> reason,
            java.util.function.Supplier<MatrixException> unknownRoom) {
        return change(sender, roomId, target, membership, reason, RoomsApi.object(),
                unknownRoom);
    }

    private EventId change(UserId sender, RoomId roomId, UserId target, String membership, Optional<String> reason,
            ObjectNode profile, java.util.function.Supplier<MatrixException> unknownRoom) {
        ObjectNode content = RoomCreation.membership(membership);
        content.setAll(profile);
        reason.ifPresent(r -> content.put("reason", r));
        return this.sender.send(roomId,
                EventBuilder.Request.state(sender, EventTypes.MEMBER, target.value(), content), Optional.empty(),
                unknownRoom);
    }

    static MatrixException notInRoom(RoomId roomId) {
        // An unknown room and a room the user is not in answer alike: no probing for room IDs.
        return MatrixException.forbidden("you are not in room " + roomId);
    }
}
