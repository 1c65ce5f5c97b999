package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.List;

/**
 * What rooms needs from federation to change a membership in a room that lives on other servers
 * (Server-Server API § Joining rooms, § Inviting to a room, § Leaving rooms): the outbound requests, and
 * signature checks with remote servers' keys. Implemented by {@code federation.membership.MembershipClient};
 * rooms never sees HTTP. Implementations are thread-safe.
 */
public interface MembershipFederation {
    /** A remote server that could not be reached, answered with an error, or answered nonsense. */
    final class RemoteFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String errcode;

        /** @param status the remote's HTTP status, 0 when no answer came */
        public RemoteFailure(String message, int status, String errcode) {
            super(message, null, false, false);
            this.status = status;
            this.errcode = errcode;
        }

        public int status() {
            return status;
        }

        /** The remote's errcode, or null. */
        public String errcode() {
            return errcode;
        }
    }

    /** GET /_matrix/federation/v1/make_join/{roomId}/{userId}?ver=… — the answer {room_version, event}. */
    ObjectNode makeJoin(ServerName server, RoomId roomId, UserId user, List<String> versions);

    /** PUT /_matrix/federation/v2/send_join/{roomId}/{eventId} — the answer {state, auth_chain, …}. */
    ObjectNode sendJoin(ServerName server, RoomId roomId, EventId eventId, ObjectNode event);

    /** GET /_matrix/federation/v1/make_leave/{roomId}/{userId}. */
    ObjectNode makeLeave(ServerName server, RoomId roomId, UserId user);

    /** PUT /_matrix/federation/v2/send_leave/{roomId}/{eventId}. */
    ObjectNode sendLeave(ServerName server, RoomId roomId, EventId eventId, ObjectNode event);

    /** PUT /_matrix/federation/v2/invite/{roomId}/{eventId} with {room_version, event, invite_room_state}. */
    ObjectNode invite(ServerName server, RoomId roomId, EventId eventId, ObjectNode body);

    /**
     * Checks the signatures every event needs (its sender's server, and a restricted join's authoriser), each
     * server's keys fetched once for the whole list.
     *
     * @throws dev.starling.protocol.crypto.SignatureException for the first event that fails
     */
    void verifySignatures(List<ObjectNode> events, RoomVersion version);

    /** Checks {@code server}'s signature on one event. */
    void verifySignedBy(ObjectNode event, RoomVersion version, ServerName server);

    /** No federation: every remote membership change is refused. */
    MembershipFederation NONE = new MembershipFederation() {
        private RemoteFailure off() {
            return new RemoteFailure("federation is not available", 0, null);
        }

        @Override
        public ObjectNode makeJoin(ServerName server, RoomId roomId, UserId user, List<String> versions) {
            throw off();
        }

        @Override
        public ObjectNode sendJoin(ServerName server, RoomId roomId, EventId eventId, ObjectNode event) {
            throw off();
        }

        @Override
        public ObjectNode makeLeave(ServerName server, RoomId roomId, UserId user) {
            throw off();
        }

        @Override
        public ObjectNode sendLeave(ServerName server, RoomId roomId, EventId eventId, ObjectNode event) {
            throw off();
        }

        @Override
        public ObjectNode invite(ServerName server, RoomId roomId, EventId eventId, ObjectNode body) {
            throw off();
        }

        @Override
        public void verifySignatures(List<ObjectNode> events, RoomVersion version) {
            throw off();
        }

        @Override
        public void verifySignedBy(ObjectNode event, RoomVersion version, ServerName server) {
            throw off();
        }
    };
}
