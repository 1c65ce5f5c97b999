package dev.starling.server.federation;

import static dev.starling.server.federation.FedEvents.client;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.federation.FedEvents.Remote;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code PUT /send/{txnId}} over real HTTP: a remote server (a second {@link FederatingServer}, whose key the
 * local server fetches through its real key ring) joins a local public room and talks in it; local users'
 * /sync shows the remote messages. The envelope's limits, replayed transaction IDs, and rooms we are not in.
 */
class InboundTransactionHttpTest {

    @OnEveryDatabase
    void aRemoteUserJoinsAndTalksAndLocalSyncShowsIt(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            Remote remote = Remote.of(b);
            String alice = FedEvents.register(a, "alice");
            for (RoomVersion version : List.of(RoomVersion.V11, RoomVersion.V12)) {
                String roomId = FedEvents.createPublicRoom(a, alice, version);
                String bob = remote.user("bob");
                ObjectNode join = FedEvents.join(a, remote, version, roomId, bob);
                String joinId = FedEvents.id(join, version);
                FederatingServer.Reply joined = FedEvents.transaction(remote, a, "j" + version.id(), List.of(join), List.of());
                assertThat(joined.status()).as(String.valueOf(joined.json())).isEqualTo(200);
                assertThat(joined.json().path("pdus").path(joinId).isObject()).isTrue();
                assertThat(joined.json().path("pdus").path(joinId).has("error")).as(joined.json().toString()).isFalse();
                assertThat(FedEvents.state(a, roomId, "m.room.member", bob)).isEqualTo(joinId);
                assertThat(FedEvents.extremities(a, roomId)).containsExactly(joinId);

                // A long-polling /sync of alice wakes for the remote message.
                String since = client(a, "GET", FedEvents.V3 + "/sync", null, alice).json().path("next_batch").asText();
                java.util.concurrent.CompletableFuture<JsonNode> polling = java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> client(a, "GET", FedEvents.V3 + "/sync?timeout=20000&since=" + since, null,
                                alice).json());
                ObjectNode hello = FedEvents.message(a, remote, version, roomId, bob, "hello from afar");
                String helloId = FedEvents.id(hello, version);
                long sent = System.nanoTime();
                FederatingServer.Reply said = FedEvents.transaction(remote, a, "m" + version.id(), List.of(hello), List.of());
                assertThat(said.json().path("pdus").path(helloId).has("error")).as(said.json().toString()).isFalse();
                JsonNode woken = polling.join();
                assertThat(System.nanoTime() - sent).isLessThan(15_000_000_000L);
                assertThat(woken.path("rooms").path("join").path(roomId).path("timeline").path("events").toString())
                        .contains("hello from afar");

                // Alice's /sync shows both, and her reply goes on top of Bob's message.
                JsonNode sync = client(a, "GET", FedEvents.V3 + "/sync", null, alice).json();
                JsonNode timeline = sync.path("rooms").path("join").path(roomId).path("timeline").path("events");
                List<String> bodies = new ArrayList<>();
                timeline.forEach(e -> bodies.add(e.path("content").path("body").asText(e.path("type").asText())));
                assertThat(bodies).contains("hello from afar");
                String reply = FedEvents.say(a, alice, roomId, "welcome");
                assertThat(FedEvents.extremities(a, roomId)).containsExactly(reply);
                JsonNode replyEvent = client(a, "GET", FedEvents.V3 + "/rooms/" + FedEvents.path(roomId) + "/event/"
                        + FedEvents.path(reply), null, alice).json();
                assertThat(replyEvent.path("sender").asText()).endsWith(":" + a.name().value());
            }
        }
    }

    @OnEveryDatabase
    void aReplayedTransactionIdGetsTheFirstAnswerAndIsNotProcessedAgain(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            Remote remote = Remote.of(b);
            String alice = FedEvents.register(a, "alice");
            RoomVersion version = RoomVersion.V12;
            String roomId = FedEvents.createPublicRoom(a, alice, version);
            String bob = remote.user("bob");
            ObjectNode join = FedEvents.join(a, remote, version, roomId, bob);
            FederatingServer.Reply first = FedEvents.transaction(remote, a, "txn1", List.of(join), List.of());
            assertThat(first.status()).isEqualTo(200);
            long events = a.count("SELECT COUNT(*) FROM events");
            // Same ID, different content: the first answer, nothing processed.
            ObjectNode hello = FedEvents.message(a, remote, version, roomId, bob, "new");
            FederatingServer.Reply again = FedEvents.transaction(remote, a, "txn1", List.of(hello), List.of());
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json()).isEqualTo(first.json());
            assertThat(a.count("SELECT COUNT(*) FROM events")).isEqualTo(events);
            assertThat(FedEvents.stored(a, FedEvents.id(hello, version))).isEqualTo("absent");
            // The same ID from another origin is another transaction.
            try (FederatingServer c = FederatingServer.start(backend)) {
                FederatingServer.Reply other = FedEvents.transaction(Remote.of(c), a, "txn1", List.of(), List.of());
                assertThat(other.status()).isEqualTo(200);
                assertThat(other.json().path("pdus").size()).isZero();
            }
        }
    }

    @OnEveryDatabase
    void theEnvelopeIsChecked(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            Remote remote = Remote.of(b);
            String uri = FedEvents.FED + "/send/env";
            // origin in the body is not the signing server
            ObjectNode forged = envelope(a.name().value());
            FederatingServer.Reply reply = FedEvents.signed(remote, a, "PUT", uri, forged);
            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.errcode()).isEqualTo("M_FORBIDDEN");
            // more than 50 PDUs, more than 100 EDUs
            ObjectNode many = envelope(remote.name().value());
            for (int i = 0; i < 51; i++) {
                many.withArray("pdus").addObject().put("type", "m.room.message");
            }
            assertBadJson(FedEvents.signed(remote, a, "PUT", uri, many));
            ObjectNode manyEdus = envelope(remote.name().value());
            for (int i = 0; i < 101; i++) {
                manyEdus.withArray("edus").addObject().put("edu_type", "m.typing").putObject("content");
            }
            assertBadJson(FedEvents.signed(remote, a, "PUT", uri, manyEdus));
            // pdus missing or not an array; origin_server_ts missing
            ObjectNode noPdus = envelope(remote.name().value());
            noPdus.remove("pdus");
            assertBadJson(FedEvents.signed(remote, a, "PUT", uri, noPdus));
            ObjectNode noTs = envelope(remote.name().value());
            noTs.remove("origin_server_ts");
            assertBadJson(FedEvents.signed(remote, a, "PUT", uri, noTs));
            // unsigned: 401
            assertThat(a.send("PUT", uri, envelope(remote.name().value()).toString(), java.util.Map.of()).status())
                    .isEqualTo(401);
            // none of these was remembered as answered: the same ID still works
            FederatingServer.Reply ok = FedEvents.signed(remote, a, "PUT", uri, envelope(remote.name().value()));
            assertThat(ok.status()).isEqualTo(200);
            assertThat(a.count("SELECT COUNT(*) FROM federation_inbound_txns")).isEqualTo(1);
        }
    }

    @OnEveryDatabase
    void pdusForRoomsWithoutALocalMemberAreNotProcessed(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            Remote remote = Remote.of(b);
            String alice = FedEvents.register(a, "alice");
            RoomVersion version = RoomVersion.V11;
            String roomId = FedEvents.createPublicRoom(a, alice, version);
            ObjectNode join = FedEvents.join(a, remote, version, roomId, remote.user("bob"));
            assertThat(client(a, "POST", FedEvents.V3 + "/rooms/" + FedEvents.path(roomId) + "/leave", "{}", alice)
                    .status()).isEqualTo(200);
            join = FedEvents.join(a, remote, version, roomId, remote.user("bob"));
            String joinId = FedEvents.id(join, version);
            FederatingServer.Reply reply = FedEvents.transaction(remote, a, "t", List.of(join), List.of());
            assertThat(reply.json().path("pdus").path(joinId).path("error").asText()).contains("no member");
            assertThat(FedEvents.stored(a, joinId)).isEqualTo("absent");
            // A room we have never heard of: left out of the answer, nothing stored.
            ObjectNode unknown = join.deepCopy();
            unknown.put("room_id", "!nowhere:" + remote.name().value());
            FederatingServer.Reply other = FedEvents.transaction(remote, a, "t2", List.of(unknown), List.of());
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.json().path("pdus").size()).isZero();
        }
    }

    private static ObjectNode envelope(String origin) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("origin", origin);
        body.put("origin_server_ts", 1);
        body.putArray("pdus");
        return body;
    }

    private static void assertBadJson(FederatingServer.Reply reply) {
        assertThat(reply.status()).as(String.valueOf(reply.json())).isEqualTo(400);
        assertThat(reply.errcode()).isEqualTo("M_BAD_JSON");
    }
}
