package dev.starling.server.federation;

import static dev.starling.server.federation.FedEvents.client;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.federation.FedEvents.Remote;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;

/**
 * History visibility "shared" for an event of a concurrent fork (as after a healed partition, issue 6): dan
 * joins locally while a remote member's message is being sent on the DAG as it was before his join; it
 * arrives after his join, and the state at it has no membership for dan. dan is joined now, so he joined
 * "at any point after" the event as far as the DAG can tell: he sees it (Client-Server API § History
 * visibility; Synapse likewise shows shared history to every member who is not peeking). Judging "after" by
 * the order of arrival hid such events from him for good.
 */
class ForkVisibilityHttpTest {

    @OnEveryDatabase
    void aJoinedMemberSeesSharedEventsOfAForkConcurrentWithTheirJoin(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend);
                FederatingServer b = FederatingServer.start(backend)) {
            String alice = FedEvents.register(a, "alice");
            String dan = register(a, "dan");
            String stranger = register(a, "stranger");
            Remote rb = Remote.of(b);
            String bob = rb.user("bob");
            for (RoomVersion version : List.of(RoomVersion.V11, RoomVersion.V12)) {
                String roomId = FedEvents.createPublicRoom(a, alice, version);
                String room = FedEvents.V3 + "/rooms/" + FedEvents.path(roomId);
                send(a, rb, "jb" + roomId, FedEvents.join(a, rb, version, roomId, bob), version);
                // bob's server builds its message on the room as it is before dan's join.
                List<String> fork = FedEvents.extremities(a, roomId);
                List<String> auth = FedEvents.auth(a, version, roomId, bob, false);
                long depth = FedEvents.maxDepth(a, roomId) + 1;
                FederatingServer.Reply join = client(a, "POST", FedEvents.V3 + "/join/" + FedEvents.path(roomId), "{}",
                        dan);
                assertThat(join.status()).as(String.valueOf(join.json())).isEqualTo(200);
                ObjectNode concurrent = FedEvents.pdu(rb, version, roomId, bob, "m.room.message", null,
                        FedEvents.content("{\"msgtype\":\"m.text\",\"body\":\"concurrent\"}"), fork, auth, depth);
                String id = send(a, rb, "m" + roomId, concurrent, version);
                assertThat(FedEvents.extremities(a, roomId)).as(version.toString()).contains(id).hasSize(2);

                assertThat(bodies(client(a, "GET", room + "/messages?dir=b&limit=50", null, dan).json()))
                        .as(version.toString()).contains("concurrent");
                assertThat(client(a, "GET", room + "/event/" + FedEvents.path(id), null, dan).status())
                        .as(version.toString()).isEqualTo(200);
                // Unchanged for a user who is not joined now: a stranger still sees nothing.
                assertThat(client(a, "GET", room + "/event/" + FedEvents.path(id), null, stranger).status())
                        .isEqualTo(404);
            }
        }
    }

    /** As {@link FedEvents#register}, waiting out the registration rate limit (several users on one server). */
    private static String register(FederatingServer server, String name) {
        String credentials = "\"username\":\"" + name + "\",\"password\":\"pw\"";
        FederatingServer.Reply challenge = patiently(() -> client(server, "POST", FedEvents.V3 + "/register",
                "{" + credentials + "}", null));
        String session = challenge.json().path("session").asText();
        FederatingServer.Reply done = patiently(() -> client(server, "POST", FedEvents.V3 + "/register", "{"
                + credentials + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}", null));
        assertThat(done.status()).as(String.valueOf(done.json())).isEqualTo(200);
        return done.json().path("access_token").asText();
    }

    private static FederatingServer.Reply patiently(java.util.function.Supplier<FederatingServer.Reply> call) {
        FederatingServer.Reply reply = call.get();
        for (int attempt = 0; reply.status() == 429 && attempt < 20; attempt++) {
            try {
                Thread.sleep(Math.max(100, reply.json().path("retry_after_ms").asLong(1000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return reply;
            }
            reply = call.get();
        }
        return reply;
    }

    private static String send(FederatingServer to, Remote from, String txn, ObjectNode pdu, RoomVersion version) {
        String id = FedEvents.id(pdu, version);
        FederatingServer.Reply reply = FedEvents.transaction(from, to, txn, List.of(pdu), List.of());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("pdus").path(id).has("error")).as(reply.json().toString()).isFalse();
        return id;
    }

    private static List<String> bodies(JsonNode page) {
        List<String> bodies = new ArrayList<>();
        for (JsonNode event : page.path("chunk")) {
            if ("m.room.message".equals(event.path("type").asText())) {
                bodies.add(event.path("content").path("body").asText());
            }
        }
        return bodies;
    }
}
