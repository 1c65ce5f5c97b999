package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.keys.KeysClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.time.Duration;
import java.util.List;

/**
 * Presence over federation (Server-Server API § Presence): a local user's change goes out as an
 * {@code m.presence} EDU to the servers sharing a room with them and reaches the other server's clients; an
 * inbound update speaking for a user of another server than its origin, for a user sharing no room with a
 * local user, or malformed, is dropped (SECURITY.md item 18).
 */
class PresenceFederationHttpTest {
    private static final Backoff LONG = new Backoff(Duration.ofSeconds(60), Duration.ofHours(1));
    private static final Backoff SHORT = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2));
    private static final ServerName ORIGIN = ServerName.parse("remote.example");
    private static final String REMOTE = "@rita:remote.example";
    private static final String QUIET = "&set_presence=offline";

    @OnEveryDatabase
    void aLocalUsersPresenceGoesOutAsAnEduToServersSharingARoom(Backend backend) throws Exception {
        try (OutboundFedClient a = OutboundFedClient.start(backend, LONG);
                RecordingReceiver receiver = new RecordingReceiver(a.key().verifyKey())) {
            KeysClient.User alice = a.register("alice");
            String roomId = a.createRoom(alice);
            a.addRemoteMember(roomId, "@remote:" + receiver.name());
            assertThat(a.put("/_matrix/client/v3/presence/" + alice.userId() + "/status",
                    "{\"presence\":\"online\",\"status_msg\":\"around\"}", alice.token()).status()).isEqualTo(200);
            assertThat(OutboundFedClient.await(Duration.ofSeconds(10), () -> receiver.edus().stream()
                    .anyMatch(e -> e.path("edu_type").asText().equals("m.presence")))).isTrue();
            JsonNode update = receiver.edus().stream().filter(e -> e.path("edu_type").asText().equals("m.presence"))
                    .findFirst().orElseThrow().path("content").path("push").get(0);
            assertThat(update.path("user_id").asText()).isEqualTo(alice.userId());
            assertThat(update.path("presence").asText()).isEqualTo("online");
            assertThat(update.path("status_msg").asText()).isEqualTo("around");
            assertThat(update.path("currently_active").asBoolean()).isTrue();
            assertThat(update.path("last_active_ago").isIntegralNumber()).isTrue();
        }
    }

    @OnEveryDatabase
    void inboundPresenceOfTheOriginsUsersInASharedRoomIsKeptForgedOrStrangersAreDropped(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, LONG)) {
            KeysClient.User alice = a.register("alice");
            String roomId = a.createRoom(alice);
            a.addRemoteMember(roomId, REMOTE);
            a.addRemoteMember(roomId, "@eve:elsewhere.example");
            String since = sync(a, alice, null).path("next_batch").asText();
            InboundEdus edus = a.server().inboundEdus();

            // a user of another server (in the room!), a user of the origin in no shared room, malformed updates
            edus.receive(ORIGIN, "m.presence", json("{\"push\":[{\"user_id\":\"@eve:elsewhere.example\","
                    + "\"presence\":\"online\",\"last_active_ago\":0}]}"));
            edus.receive(ORIGIN, "m.presence", json("{\"push\":[{\"user_id\":\"@out:remote.example\","
                    + "\"presence\":\"online\",\"last_active_ago\":0}]}"));
            edus.receive(ORIGIN, "m.presence", json("{\"push\":[{\"user_id\":\"" + REMOTE
                    + "\",\"presence\":\"away\",\"last_active_ago\":0},{\"user_id\":\"" + REMOTE
                    + "\",\"presence\":\"online\"},{\"user_id\":\"" + REMOTE
                    + "\",\"presence\":\"online\",\"last_active_ago\":-1}]}"));
            edus.receive(ORIGIN, "m.presence", json("{\"push\":{}}"));
            assertThat(sync(a, alice, since).path("presence").path("events")).isEmpty();

            // one forged and one good update in the same EDU: the good one is kept
            edus.receive(ORIGIN, "m.presence", json("{\"push\":[{\"user_id\":\"@eve:elsewhere.example\","
                    + "\"presence\":\"online\",\"last_active_ago\":0},{\"user_id\":\"" + REMOTE
                    + "\",\"presence\":\"unavailable\",\"last_active_ago\":7000,\"status_msg\":\"away\"}]}"));
            JsonNode events = sync(a, alice, since).path("presence").path("events");
            assertThat(events).hasSize(1);
            assertThat(events.get(0).path("sender").asText()).isEqualTo(REMOTE);
            assertThat(events.get(0).path("content").path("presence").asText()).isEqualTo("unavailable");
            assertThat(events.get(0).path("content").path("status_msg").asText()).isEqualTo("away");
            assertThat(events.get(0).path("content").path("last_active_ago").asLong()).isGreaterThanOrEqualTo(7000);
            OutboundFedClient.Reply eve = a.get("/_matrix/client/v3/presence/@eve:elsewhere.example/status",
                    alice.token());
            assertThat(eve.json().path("presence").asText()).as("the forged update left no trace").isEqualTo("offline");
        }
    }

    @OnEveryDatabase
    void presenceCrossesBetweenTwoServersSharingARoom(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, SHORT);
                OutboundFedClient b = OutboundFedClient.start(backend, SHORT)) {
            ThreeServersClient alice = ThreeServersClient.register(a, "alice");
            ThreeServersClient bob = ThreeServersClient.register(b, "bob");
            String room = alice.ok("POST", MembershipFedClient.V3 + "/createRoom", "{\"preset\":\"private_chat\"}")
                    .json().path("room_id").asText();
            alice.ok("POST", MembershipFedClient.room(room) + "/invite", "{\"user_id\":\"" + bob.userId() + "\"}");
            bob.ok("POST", MembershipFedClient.room(room) + "/join", "{}");
            assertThat(ThreeServersClient.await(() -> "join".equals(alice.membershipOf(room, bob.userId())))).isTrue();

            bob.ok("PUT", "/_matrix/client/v3/presence/" + MembershipFedClient.encode(bob.userId()) + "/status",
                    "{\"presence\":\"online\",\"status_msg\":\"from B\"}");
            assertThat(ThreeServersClient.await(() -> presenceOf(alice, bob.userId()).contains("from B")))
                    .as(presenceOf(alice, bob.userId())).isTrue();
            alice.ok("PUT", "/_matrix/client/v3/presence/" + MembershipFedClient.encode(alice.userId()) + "/status",
                    "{\"presence\":\"unavailable\",\"status_msg\":\"from A\"}");
            assertThat(ThreeServersClient.await(() -> presenceOf(bob, alice.userId()).contains("from A")))
                    .as(presenceOf(bob, alice.userId())).isTrue();
            JsonNode got = alice.ok("GET", "/_matrix/client/v3/presence/" + MembershipFedClient.encode(bob.userId())
                    + "/status", null).json();
            assertThat(got.path("presence").asText()).isEqualTo("online");
            assertThat(got.path("status_msg").asText()).isEqualTo("from B");
        }
    }

    /** The content of the last m.presence of {@code user} in an initial sync of {@code viewer}, as text ("" if none). */
    private static String presenceOf(ThreeServersClient viewer, String user) {
        JsonNode sync = viewer.ok("GET", MembershipFedClient.V3 + "/sync?timeout=0" + QUIET, null).json();
        String found = "";
        for (JsonNode event : sync.path("presence").path("events")) {
            if (event.path("sender").asText().equals(user)) {
                found = event.path("content").toString();
            }
        }
        return found;
    }

    private static ObjectNode json(String text) {
        return CanonicalJson.parseObject(text);
    }

    private static JsonNode sync(OutboundFedClient server, KeysClient.User user, String since) {
        OutboundFedClient.Reply reply = server.get("/_matrix/client/v3/sync?timeout=0" + QUIET
                + (since == null ? "" : "&since=" + since), user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json();
    }
}
