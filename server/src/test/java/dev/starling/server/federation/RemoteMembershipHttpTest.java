package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;

/**
 * Membership across two real servers over HTTP (Server-Server API § Joining rooms, § Inviting to a room,
 * § Leaving rooms): a user of B joins a room of A by room ID with server_name (v12) or by the room ID's server
 * (v11); A invites a user of B, who sees the invite in /sync and joins; B rejects an invite; B's user leaves.
 * What needs the outbound queue and inbound /send (messages after the join) is not tested here.
 */
class RemoteMembershipHttpTest {
    private static boolean hasEvent(JsonNode events, String type, String stateKey) {
        for (JsonNode event : events) {
            if (event.path("type").asText().equals(type) && event.path("state_key").asText().equals(stateKey)) {
                return true;
            }
        }
        return false;
    }

    @OnEveryDatabase
    void aUserOfBJoinsARoomOfAByRoomIdAndServerName(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            MembershipFedClient alice = MembershipFedClient.register(a, "alice");
            MembershipFedClient bob = MembershipFedClient.register(b, "bob");
            String roomId = alice.createRoom("{\"preset\":\"public_chat\",\"name\":\"Lobby\",\"topic\":\"hello\"}");
            assertThat(alice.message(roomId, "t1", "before bob").status()).isEqualTo(200);

            FederatingServer.Reply joined = bob.join(roomId, a.name());
            assertThat(joined.status()).as(String.valueOf(joined.json())).isEqualTo(200);
            assertThat(joined.json().path("room_id").asText()).isEqualTo(roomId);

            JsonNode room = bob.sync().path("rooms").path("join").path(roomId);
            assertThat(room.isMissingNode()).as("B's sync lists the room").isFalse();
            JsonNode state = room.path("state").path("events");
            assertThat(hasEvent(state, "m.room.create", "")).isTrue();
            assertThat(hasEvent(state, "m.room.name", "")).isTrue();
            assertThat(hasEvent(state, "m.room.member", alice.userId())).isTrue();
            JsonNode timeline = room.path("timeline").path("events");
            assertThat(timeline).hasSize(1);
            assertThat(timeline.get(0).path("state_key").asText()).isEqualTo(bob.userId());
            assertThat(timeline.get(0).path("content").path("membership").asText()).isEqualTo("join");

            assertThat(alice.membershipOf(roomId, bob.userId())).isEqualTo("join");
            assertThat(bob.membershipOf(roomId, alice.userId())).isEqualTo("join");
            assertThat(bob.membershipOf(roomId, bob.userId())).isEqualTo("join");
            // The state came as outliers (negative numbers), the join as the one timeline event.
            assertThat(b.count("SELECT COUNT(*) FROM events WHERE stream_ordering < 0")).isGreaterThan(4);
            assertThat(b.count("SELECT COUNT(*) FROM room_forward_extremities")).isEqualTo(1);
            // Joining again changes nothing; the stored room takes B's own events.
            assertThat(bob.join(roomId, a.name()).status()).isEqualTo(200);
            assertThat(bob.message(roomId, "b1", "hello from B").status()).isEqualTo(200);
        }
    }

    @OnEveryDatabase
    void aV11RoomIsJoinedThroughTheServerOfItsRoomId(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            MembershipFedClient alice = MembershipFedClient.register(a, "alice");
            MembershipFedClient bob = MembershipFedClient.register(b, "bob");
            String roomId = alice.createRoom("{\"preset\":\"public_chat\",\"room_version\":\"11\"}");
            FederatingServer.Reply joined = bob.call("POST", MembershipFedClient.room(roomId) + "/join", "{}");
            assertThat(joined.status()).as(String.valueOf(joined.json())).isEqualTo(200);
            assertThat(alice.membershipOf(roomId, bob.userId())).isEqualTo("join");
        }
    }

    @OnEveryDatabase
    void aRemoteInviteShowsInSyncAndTheInviteeJoinsThroughTheInviter(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            MembershipFedClient alice = MembershipFedClient.register(a, "alice");
            MembershipFedClient bob = MembershipFedClient.register(b, "bob");
            String roomId = alice.createRoom("{\"preset\":\"private_chat\",\"name\":\"Secret\"}");
            FederatingServer.Reply invited = alice.invite(roomId, bob.userId());
            assertThat(invited.status()).as(String.valueOf(invited.json())).isEqualTo(200);
            assertThat(alice.membershipOf(roomId, bob.userId())).isEqualTo("invite");

            JsonNode invite = bob.sync().path("rooms").path("invite").path(roomId).path("invite_state").path("events");
            assertThat(hasEvent(invite, "m.room.name", "")).as(invite.toString()).isTrue();
            assertThat(hasEvent(invite, "m.room.join_rules", "")).isTrue();
            assertThat(hasEvent(invite, "m.room.member", bob.userId())).isTrue();

            // No server_name: the inviter's server is the candidate (v12 room IDs name no server).
            FederatingServer.Reply joined = bob.call("POST", MembershipFedClient.room(roomId) + "/join", "{}");
            assertThat(joined.status()).as(String.valueOf(joined.json())).isEqualTo(200);
            assertThat(alice.membershipOf(roomId, bob.userId())).isEqualTo("join");
            JsonNode sync = bob.sync().path("rooms");
            assertThat(sync.path("join").has(roomId)).isTrue();
            assertThat(sync.path("invite").has(roomId)).isFalse();
        }
    }

    @OnEveryDatabase
    void aRemoteInviteIsRejectedThroughTheInvitingServer(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            MembershipFedClient alice = MembershipFedClient.register(a, "alice");
            MembershipFedClient bob = MembershipFedClient.register(b, "bob");
            String roomId = alice.createRoom("{\"preset\":\"private_chat\"}");
            assertThat(alice.invite(roomId, bob.userId()).status()).isEqualTo(200);
            String since = bob.sync().path("next_batch").asText();

            FederatingServer.Reply left = bob.leave(roomId);
            assertThat(left.status()).as(String.valueOf(left.json())).isEqualTo(200);
            assertThat(alice.membershipOf(roomId, bob.userId())).isEqualTo("leave");
            FederatingServer.Reply after = bob.call("GET", MembershipFedClient.V3 + "/sync?timeout=0&since=" + since, null);
            assertThat(after.json().path("rooms").path("leave").has(roomId)).as(after.json().toString()).isTrue();
            assertThat(bob.sync().path("rooms").path("invite").has(roomId)).isFalse();
        }
    }

    @OnEveryDatabase
    void aJoinedRemoteUserLeaves(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            MembershipFedClient alice = MembershipFedClient.register(a, "alice");
            MembershipFedClient bob = MembershipFedClient.register(b, "bob");
            String roomId = alice.createRoom("{\"preset\":\"public_chat\"}");
            assertThat(bob.join(roomId, a.name()).status()).isEqualTo(200);
            String since = bob.sync().path("next_batch").asText();
            FederatingServer.Reply left = bob.leave(roomId);
            assertThat(left.status()).as(String.valueOf(left.json())).isEqualTo(200);
            assertThat(bob.membershipOf(roomId, bob.userId())).isEqualTo("leave");
            FederatingServer.Reply after = bob.call("GET", MembershipFedClient.V3 + "/sync?timeout=0&since=" + since, null);
            assertThat(after.json().path("rooms").path("leave").has(roomId)).as(after.json().toString()).isTrue();

            // With no user of B left in the room, B's state may be stale: a rejoin goes over federation again,
            // through the servers of the members B last knew, and the join becomes B's only extremity.
            FederatingServer.Reply rejoined = bob.call("POST", MembershipFedClient.room(roomId) + "/join", "{}");
            assertThat(rejoined.status()).as(String.valueOf(rejoined.json())).isEqualTo(200);
            assertThat(bob.membershipOf(roomId, bob.userId())).isEqualTo("join");
            assertThat(b.count("SELECT COUNT(*) FROM room_forward_extremities WHERE room_id = '" + roomId + "'"))
                    .isEqualTo(1);
            assertThat(b.count("SELECT COUNT(*) FROM events WHERE room_id = '" + roomId + "' AND type = 'm.room.member'"
                    + " AND state_key = '" + bob.userId() + "' AND stream_ordering > 0")).isEqualTo(3);
        }
    }

    @OnEveryDatabase
    void createRoomInvitesUsersOfOtherServersOverFederation(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            MembershipFedClient alice = MembershipFedClient.register(a, "alice");
            MembershipFedClient bob = MembershipFedClient.register(b, "bob");
            String roomId = alice.createRoom("{\"preset\":\"trusted_private_chat\",\"is_direct\":true,\"invite\":[\""
                    + bob.userId() + "\",\"@nobody:127.0.0.1:1\"]}");
            assertThat(alice.membershipOf(roomId, bob.userId())).isEqualTo("invite");
            assertThat(alice.membershipOf(roomId, "@nobody:127.0.0.1:1")).as("unreachable: not invited").isNull();
            JsonNode invite = bob.sync().path("rooms").path("invite").path(roomId).path("invite_state").path("events");
            assertThat(invite.toString()).contains("\"is_direct\":true");
            assertThat(bob.call("POST", MembershipFedClient.room(roomId) + "/join", "{}").status()).isEqualTo(200);
            assertThat(alice.membershipOf(roomId, bob.userId())).isEqualTo("join");
        }
    }
}
