package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Issue 4, acceptance 1: three Starling servers on loopback, each with its own users, share one room. Invites
 * and joins over federation (including a user of C invited by a user of B who joins through B), messages from
 * each server in the same order everywhere, state changes agreeing on all three ({@code /state} compared), typing
 * and read receipts reaching the other servers' clients, and a kick and a leave propagating.
 */
class ThreeServersHttpTest {
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2));
    private static final String LOBBY = "{\"preset\":\"private_chat\",\"name\":\"Three\",\"topic\":\"first\"}";

    @OnEveryDatabase
    void aRoomSpanningThreeServersCarriesEverythingAcross(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, BACKOFF);
                OutboundFedClient b = OutboundFedClient.start(backend, BACKOFF);
                OutboundFedClient c = OutboundFedClient.start(backend, BACKOFF)) {
            ThreeServersClient alice = ThreeServersClient.register(a, "alice");
            ThreeServersClient bob = ThreeServersClient.register(b, "bob");
            ThreeServersClient carol = ThreeServersClient.register(c, "carol");
            ThreeServersClient dave = ThreeServersClient.register(c, "dave");
            List<ThreeServersClient> all = List.of(alice, bob, carol);
            String room = alice.ok("POST", MembershipFedClient.V3 + "/createRoom", LOBBY).json().path("room_id").asText();

            // Invites and joins: alice invites bob, who joins through A; bob invites carol, a user of C (a server
            // not yet in the room), who joins through B: B, as the resident, sends her join on to A.
            alice.ok("POST", MembershipFedClient.room(room) + "/invite", "{\"user_id\":\"" + bob.userId() + "\"}");
            bob.ok("POST", MembershipFedClient.room(room) + "/join", "{}");
            bob.ok("POST", MembershipFedClient.room(room) + "/invite", "{\"user_id\":\"" + carol.userId() + "\"}");
            carol.ok("POST", MembershipFedClient.V3 + "/join/" + MembershipFedClient.encode(room) + "?server_name="
                    + MembershipFedClient.encode(b.name().value()), "{}");
            for (ThreeServersClient viewer : all) {
                for (ThreeServersClient member : all) {
                    assertThat(ThreeServersClient.await(() -> "join".equals(viewer.membershipOf(room, member.userId()))))
                            .as(viewer.userId() + " sees " + member.userId() + " joined").isTrue();
                }
            }

            // Messages from each server, each seen everywhere before the next: the same order on all three.
            alice.send(room, "a1", "from A");
            awaitMessages(all, room, List.of("from A"));
            bob.send(room, "b1", "from B");
            awaitMessages(all, room, List.of("from A", "from B"));
            carol.send(room, "c1", "from C");
            awaitMessages(all, room, List.of("from A", "from B", "from C"));

            // State changes from A and (with the power alice gives him) from B agree on all three servers.
            alice.setState(room, "m.room.topic", "{\"topic\":\"second\"}");
            var levels = (com.fasterxml.jackson.databind.node.ObjectNode) alice.ok("GET",
                    MembershipFedClient.room(room) + "/state/m.room.power_levels/", null).json();
            levels.with("users").put(bob.userId(), 100);
            alice.setState(room, "m.room.power_levels", levels.toString());
            assertThat(ThreeServersClient.await(() -> bob.call("PUT", MembershipFedClient.room(room)
                    + "/state/m.room.name/", "{\"name\":\"Renamed by B\"}").status() == 200)).isTrue();
            awaitSameState(all, room);
            assertThat(carol.ok("GET", MembershipFedClient.room(room) + "/state/m.room.name/", null).json()
                    .path("name").asText()).isEqualTo("Renamed by B");
            assertThat(carol.ok("GET", MembershipFedClient.room(room) + "/state/m.room.topic/", null).json()
                    .path("topic").asText()).isEqualTo("second");

            // Typing of C's user reaches A's client; alice's read receipt reaches C's client.
            carol.ok("PUT", MembershipFedClient.room(room) + "/typing/" + MembershipFedClient.encode(carol.userId()),
                    "{\"typing\":true,\"timeout\":30000}");
            assertThat(alice.awaitEphemeral(room, e -> e.path("type").asText().equals("m.typing")
                    && e.path("content").path("user_ids").toString().contains(carol.userId()))).isTrue();
            String last = lastMessageId(carol, room);
            alice.ok("POST", MembershipFedClient.room(room) + "/receipt/m.read/" + MembershipFedClient.encode(last), "{}");
            assertThat(carol.awaitEphemeral(room, e -> e.path("type").asText().equals("m.receipt")
                    && e.path("content").path(last).path("m.read").has(alice.userId()))).isTrue();

            // A second user of C, invited from A, joins (C is in the room now: a local join, sent to A and B).
            alice.ok("POST", MembershipFedClient.room(room) + "/invite", "{\"user_id\":\"" + dave.userId() + "\"}");
            // C countersigns the invite but stores it when it comes with the room's traffic (A's queue): the
            // client joins once /sync shows it, as a real client does.
            assertThat(ThreeServersClient.await(() -> dave.sync(null).path("rooms").path("invite").has(room))).isTrue();
            dave.ok("POST", MembershipFedClient.room(room) + "/join", "{}");
            for (ThreeServersClient viewer : all) {
                assertThat(ThreeServersClient.await(() -> "join".equals(viewer.membershipOf(room, dave.userId()))))
                        .as(viewer.userId() + " sees dave joined").isTrue();
            }
            dave.send(room, "d1", "from dave");
            awaitMessages(all, room, List.of("from A", "from B", "from C", "from dave"));

            // A kick (alice kicks carol) and a leave (bob) reach every server.
            alice.ok("POST", MembershipFedClient.room(room) + "/kick", "{\"user_id\":\"" + carol.userId() + "\"}");
            bob.ok("POST", MembershipFedClient.room(room) + "/leave", "{}");
            for (ThreeServersClient viewer : List.of(alice, dave)) {
                assertThat(ThreeServersClient.await(() -> "leave".equals(viewer.membershipOf(room, carol.userId()))
                        && "leave".equals(viewer.membershipOf(room, bob.userId()))))
                        .as(viewer.userId() + " sees the kick and the leave").isTrue();
            }
            assertThat(ThreeServersClient.await(() -> alice.state(room).equals(dave.state(room)))).isTrue();
            alice.send(room, "a2", "after the kick");
            awaitMessages(List.of(alice, dave), room,
                    List.of("from A", "from B", "from C", "from dave", "after the kick"));
        }
    }

    private static void awaitMessages(List<ThreeServersClient> clients, String room, List<String> expected) {
        for (ThreeServersClient client : clients) {
            boolean arrived = ThreeServersClient.await(() -> client.messages(room).equals(expected));
            assertThat(arrived).as(client.userId() + " has " + expected + " but has " + client.messages(room)).isTrue();
        }
    }

    private static void awaitSameState(List<ThreeServersClient> clients, String room) {
        ThreeServersClient first = clients.get(0);
        for (ThreeServersClient other : clients.subList(1, clients.size())) {
            boolean same = ThreeServersClient.await(() -> first.state(room).equals(other.state(room)));
            Map<String, String> mine = first.state(room);
            assertThat(same).as(other.userId() + " state " + other.state(room) + " vs " + mine).isTrue();
        }
    }

    private static String lastMessageId(ThreeServersClient client, String room) {
        var chunk = client.ok("GET", MembershipFedClient.room(room) + "/messages?dir=b&limit=10", null).json()
                .path("chunk");
        for (var event : chunk) {
            if (event.path("type").asText().equals("m.room.message")) {
                return event.path("event_id").asText();
            }
        }
        throw new AssertionError("no message in " + chunk);
    }
}
