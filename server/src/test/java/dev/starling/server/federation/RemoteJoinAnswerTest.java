package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The joining side against a fake resident server that misbehaves (SECURITY.md items 13 and 17; issue 4
 * acceptance 5): a make_join template with foreign fields is never signed (no send_join is made), and a
 * send_join answer with a bad signature, an auth failure or another room's create event is refused whole,
 * with nothing stored. And a join of a large room, built in the test, with its time measured.
 */
class RemoteJoinAnswerTest {
    private static final String MEASURE = "remote join of a room with %d members (%s): %d ms%n";

    private record Outcome(FederatingServer.Reply reply, int sendJoins, long roomsStored, long eventsStored) {}

    /** Bob of B joins the fake's room through it, with the fake's answers changed by the two functions. */
    private static Outcome join(Backend backend, RoomVersion version, UnaryOperator<ObjectNode> template,
            Function<FakeRoom, ObjectNode> answer) {
        try (FakeResident fake = FakeResident.start(); FederatingServer b = FederatingServer.start(backend)) {
            FakeRoom room = FakeRoom.publicRoom(version, fake.name(), fake.key(), 3);
            fake.onMakeJoin(user -> template.apply(room.makeJoin(user)));
            fake.onSendJoin(join -> answer.apply(room));
            MembershipFedClient bob = MembershipFedClient.register(b, "bob");
            FederatingServer.Reply reply = bob.join(room.roomId().value(), fake.name());
            return new Outcome(reply, fake.sendJoins(),
                    b.count("SELECT COUNT(*) FROM rooms WHERE room_id = '" + room.roomId().value() + "'"),
                    b.count("SELECT COUNT(*) FROM events WHERE room_id = '" + room.roomId().value() + "'"));
        }
    }

    private static void refusedUnsigned(Outcome outcome) {
        assertThat(outcome.reply().status()).as(String.valueOf(outcome.reply().json())).isEqualTo(502);
        assertThat(outcome.sendJoins()).as("nothing was signed and sent back").isZero();
        assertThat(outcome.roomsStored()).isZero();
    }

    private static void refusedAnswer(Outcome outcome) {
        assertThat(outcome.reply().status()).as(String.valueOf(outcome.reply().json())).isEqualTo(502);
        assertThat(outcome.sendJoins()).isEqualTo(1);
        assertThat(outcome.roomsStored()).as("nothing is stored").isZero();
        assertThat(outcome.eventsStored()).isZero();
    }

    private static ObjectNode event(ObjectNode answer) {
        return (ObjectNode) answer.get("event");
    }

    @OnEveryDatabase
    void aGoodAnswerIsStored(Backend backend) {
        Outcome outcome = join(backend, RoomVersion.V12, t -> t, room -> room.sendJoin(null));
        assertThat(outcome.reply().status()).as(String.valueOf(outcome.reply().json())).isEqualTo(200);
        assertThat(outcome.roomsStored()).isEqualTo(1);
        assertThat(outcome.eventsStored()).isEqualTo(9); // 8 state events and our join
    }

    @OnEveryDatabase
    void aTemplateWithAForeignFieldIsNotSigned(Backend backend) {
        refusedUnsigned(join(backend, RoomVersion.V12, t -> {
            event(t).put("redacts", "$" + "x".repeat(43));
            return t;
        }, room -> room.sendJoin(null)));
    }

    @OnEveryDatabase
    void aTemplateWithForeignContentIsNotSigned(Backend backend) {
        refusedUnsigned(join(backend, RoomVersion.V11, t -> {
            ((ObjectNode) event(t).get("content")).put("displayname", "chosen by the remote");
            return t;
        }, room -> room.sendJoin(null)));
    }

    @OnEveryDatabase
    void aTemplateForAnotherUserOrMembershipIsNotSigned(Backend backend) {
        refusedUnsigned(join(backend, RoomVersion.V12, t -> {
            event(t).put("state_key", "@someone:else.example");
            return t;
        }, room -> room.sendJoin(null)));
        refusedUnsigned(join(backend, RoomVersion.V12, t -> {
            ((ObjectNode) event(t).get("content")).put("membership", "ban");
            return t;
        }, room -> room.sendJoin(null)));
    }

    @OnEveryDatabase
    void anAnswerWithABadSignatureInItsStateIsRefused(Backend backend) {
        refusedAnswer(join(backend, RoomVersion.V12, t -> t, room -> {
            ObjectNode answer = room.sendJoin(null);
            ObjectNode name = null;
            for (var e : answer.get("state")) {
                if (e.path("type").asText().equals("m.room.name")) {
                    name = (ObjectNode) e;
                }
            }
            // Signed content changed after signing: the signature no longer verifies.
            name.put("origin_server_ts", name.path("origin_server_ts").asLong() + 1);
            return answer;
        }));
    }

    @OnEveryDatabase
    void anAnswerWithAStateEventThatFailsAuthIsRefused(Backend backend) {
        refusedAnswer(join(backend, RoomVersion.V11, t -> t, room -> {
            ObjectNode answer = room.sendJoin(null);
            // A topic from a user who never joined, properly signed by the fake.
            String server = room.state().get(new StateKey("m.room.create", "")).sender().server().value();
            Pdu stranger = room.signed(room.unsigned("m.room.topic", "", "@stranger:" + server,
                    FakeRoom.object().put("topic", "mine")));
            ((com.fasterxml.jackson.databind.node.ArrayNode) answer.get("state")).add(stranger.json());
            return answer;
        }));
    }

    @OnEveryDatabase
    void anAnswerWhoseCreateEventIsOfAnotherRoomIsRefused(Backend backend) {
        refusedAnswer(join(backend, RoomVersion.V11, t -> t, room -> {
            ObjectNode answer = room.sendJoin(null);
            FakeRoom other = room.sibling(0);
            var state = (com.fasterxml.jackson.databind.node.ArrayNode) answer.get("state");
            for (int i = 0; i < state.size(); i++) {
                if (state.get(i).path("type").asText().equals("m.room.create")) {
                    state.set(i, other.state().get(new StateKey("m.room.create", "")).json());
                }
            }
            return answer;
        }));
    }

    /** A remote join of a large room: every state event's signature and auth checked, stored, visible. */
    private static long largeJoin(Backend backend, int members) {
        try (FakeResident fake = FakeResident.start(); FederatingServer b = FederatingServer.start(backend)) {
            FakeRoom room = FakeRoom.publicRoom(RoomVersion.V12, fake.name(), fake.key(), members);
            fake.onMakeJoin(room::makeJoin);
            ObjectNode answer = room.sendJoin(null);
            fake.onSendJoin(join -> answer);
            MembershipFedClient bob = MembershipFedClient.register(b, "bob");
            long started = System.nanoTime();
            FederatingServer.Reply reply = bob.join(room.roomId().value(), fake.name());
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(reply.status()).as(String.valueOf(reply.json())).isEqualTo(200);
            System.out.printf(MEASURE, members, backend, millis);
            FederatingServer.Reply joined = bob.call("GET", MembershipFedClient.room(room.roomId().value())
                    + "/joined_members", null);
            assertThat(joined.json().path("joined").size()).isEqualTo(members + 2);
            ObjectNode sync = bob.sync();
            assertThat(sync.path("rooms").path("join").has(room.roomId().value())).isTrue();
            return millis;
        }
    }

    @OnEveryDatabase
    void aRoomOfTwoThousandMembersIsJoined(Backend backend) {
        assertThat(largeJoin(backend, 2_000)).isLessThan(60_000);
    }

    @Test
    void aRoomOfTenThousandMembersIsJoinedInReasonableTime() {
        assertThat(largeJoin(Backend.SQLITE, 10_000)).isLessThan(120_000);
    }
}
