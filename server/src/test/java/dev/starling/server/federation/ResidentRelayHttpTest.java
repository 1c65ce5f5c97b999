package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.time.Duration;

/**
 * A join or leave this server accepts as the resident (send_join, send_leave) is sent on to the room's other
 * servers (Server-Server API § Joining rooms), through the outbound queue: without it they would learn of the
 * member only when the member's server sent something that built on it.
 */
class ResidentRelayHttpTest {
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2));

    @OnEveryDatabase
    void aJoinAcceptedAsResidentReachesTheOtherServersOfTheRoom(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, BACKOFF);
                OutboundFedClient b = OutboundFedClient.start(backend, BACKOFF);
                OutboundFedClient c = OutboundFedClient.start(backend, BACKOFF)) {
            ThreeServersClient alice = ThreeServersClient.register(a, "alice");
            ThreeServersClient bob = ThreeServersClient.register(b, "bob");
            ThreeServersClient carol = ThreeServersClient.register(c, "carol");
            String room = alice.ok("POST", MembershipFedClient.V3 + "/createRoom", "{\"preset\":\"public_chat\"}")
                    .json().path("room_id").asText();
            bob.ok("POST", joinPath(room, a), "{}");
            carol.ok("POST", joinPath(room, b), "{}"); // B is carol's resident

            // C sends its join to the servers it learnt from the answer too; B, the resident, sends it to A as well
            // (a joining Synapse does not): A's record of B's transactions names it. Nothing is sent back to C.
            String joinId = carol.state(room).get("m.room.member|" + carol.userId());
            assertThat(ThreeServersClient.await(() -> a.count("SELECT COUNT(*) FROM federation_inbound_txns WHERE origin = '"
                    + b.name().value() + "' AND response LIKE '%" + joinId + "%'") >= 1)).as("B sent carol's join to A")
                    .isTrue();
            assertThat(ThreeServersClient.await(() -> "join".equals(alice.membershipOf(room, carol.userId())))).isTrue();
            assertThat(ThreeServersClient.await(() -> b.count("SELECT COUNT(*) FROM federation_queued_pdus") == 0))
                    .isTrue();
            assertThat(c.count("SELECT COUNT(*) FROM federation_inbound_txns WHERE origin = '" + b.name().value()
                    + "' AND response LIKE '%" + joinId + "%'")).as("not sent back to C").isZero();
            assertThat(carol.membershipOf(room, alice.userId())).isEqualTo("join");

            // The relay flag is set by the resident that accepted the join, on that join only: A accepted bob's,
            // B carol's; carol's join as A got it over /send is not A's to relay.
            assertThat(a.count(flagged(bob.userId()))).isEqualTo(1);
            assertThat(a.count(flagged(carol.userId()))).isZero();
            assertThat(b.count(flagged(carol.userId()))).isEqualTo(1);
            assertThat(b.count(flagged(bob.userId()))).isZero();
            assertThat(c.count("SELECT COUNT(*) FROM events WHERE accepted_as_resident = TRUE")).isZero();
        }
    }

    @OnEveryDatabase
    void anInviteRejectedThroughTheInvitersServerReachesTheOtherServers(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, BACKOFF);
                OutboundFedClient b = OutboundFedClient.start(backend, BACKOFF);
                OutboundFedClient c = OutboundFedClient.start(backend, BACKOFF)) {
            ThreeServersClient alice = ThreeServersClient.register(a, "alice");
            ThreeServersClient bob = ThreeServersClient.register(b, "bob");
            ThreeServersClient carol = ThreeServersClient.register(c, "carol");
            String room = alice.ok("POST", MembershipFedClient.V3 + "/createRoom", "{\"preset\":\"private_chat\"}")
                    .json().path("room_id").asText();
            alice.ok("POST", MembershipFedClient.room(room) + "/invite", "{\"user_id\":\"" + bob.userId() + "\"}");
            bob.ok("POST", joinPath(room, a), "{}");
            bob.ok("POST", MembershipFedClient.room(room) + "/invite", "{\"user_id\":\"" + carol.userId() + "\"}");
            assertThat(ThreeServersClient.await(() -> "invite".equals(alice.membershipOf(room, carol.userId()))))
                    .isTrue();

            // C is not in the room: the rejection is a make_leave/send_leave at B, the inviter's server.
            carol.ok("POST", MembershipFedClient.room(room) + "/leave", "{}");
            assertThat(bob.membershipOf(room, carol.userId())).isEqualTo("leave");
            assertThat(ThreeServersClient.await(() -> "leave".equals(alice.membershipOf(room, carol.userId()))))
                    .as("A learns of the rejection from B").isTrue();
        }
    }

    private static String flagged(String userId) {
        return "SELECT COUNT(*) FROM events WHERE accepted_as_resident = TRUE AND type = 'm.room.member'"
                + " AND state_key = '" + userId + "'";
    }

    private static String joinPath(String room, OutboundFedClient via) {
        return MembershipFedClient.V3 + "/join/" + MembershipFedClient.encode(room) + "?server_name="
                + MembershipFedClient.encode(via.name().value());
    }
}
