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
import java.util.ArrayList;
import java.util.List;

/**
 * The inbound EDU handlers ({@code InboundEdus}, called by {@code /send}): typing, receipts, to-device messages
 * and device-list updates of a remote server's users land in local /sync; an EDU speaking for a user of another
 * server than its origin, or about a room that user is not in, is dropped (SECURITY.md item 18).
 */
class InboundEdusHttpTest {
    private static final Backoff LONG = new Backoff(Duration.ofSeconds(60), Duration.ofHours(1));
    private static final ServerName ORIGIN = ServerName.parse("remote.example");
    private static final String REMOTE = "@rita:remote.example";

    @OnEveryDatabase
    void typingAndReceiptsOfTheOriginsUsersLandInLocalSyncOthersAreDropped(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, LONG)) {
            KeysClient.User alice = a.register("alice");
            String roomId = a.createRoom(alice);
            String eventId = a.message(alice, roomId, "t1", "hi").json().path("event_id").asText();
            a.addRemoteMember(roomId, REMOTE);
            String since = sync(a, alice, null).path("next_batch").asText();
            InboundEdus edus = a.server().inboundEdus();

            // about a user of another server, about a user not in the room, malformed: all dropped
            edus.receive(ORIGIN, "m.typing", json("{\"room_id\":\"" + roomId + "\",\"user_id\":\"@eve:elsewhere.example\","
                    + "\"typing\":true}"));
            edus.receive(ORIGIN, "m.typing", json("{\"room_id\":\"" + roomId + "\",\"user_id\":\"@out:remote.example\","
                    + "\"typing\":true}"));
            edus.receive(ORIGIN, "m.typing", json("{\"room_id\":\"" + roomId + "\",\"user_id\":\"" + REMOTE
                    + "\",\"typing\":\"yes\"}"));
            edus.receive(ORIGIN, "m.receipt", json("{\"" + roomId + "\":{\"m.read\":{\"@eve:elsewhere.example\":"
                    + "{\"event_ids\":[\"" + eventId + "\"],\"data\":{\"ts\":1}}}}}"));
            edus.receive(ORIGIN, "m.receipt", json("{\"" + roomId + "\":{\"m.read\":{\"" + REMOTE
                    + "\":{\"event_ids\":[\"$unknown\"],\"data\":{\"ts\":1}}}}}"));
            JsonNode nothing = sync(a, alice, since);
            assertThat(nothing.path("rooms").path("join").path(roomId).path("ephemeral").path("events")).isEmpty();
            assertThat(a.count("SELECT COUNT(*) FROM receipts")).isZero();

            edus.receive(ORIGIN, "m.typing", json("{\"room_id\":\"" + roomId + "\",\"user_id\":\"" + REMOTE
                    + "\",\"typing\":true}"));
            edus.receive(ORIGIN, "m.receipt", json("{\"" + roomId + "\":{\"m.read\":{\"" + REMOTE
                    + "\":{\"event_ids\":[\"" + eventId + "\"],\"data\":{\"ts\":1700000000000}}}}}"));
            JsonNode after = sync(a, alice, since);
            List<String> types = new ArrayList<>();
            JsonNode ephemeral = after.path("rooms").path("join").path(roomId).path("ephemeral").path("events");
            ephemeral.forEach(e -> types.add(e.path("type").asText()));
            assertThat(types).contains("m.typing", "m.receipt");
            for (JsonNode e : ephemeral) {
                if (e.path("type").asText().equals("m.typing")) {
                    assertThat(e.path("content").path("user_ids").get(0).asText()).isEqualTo(REMOTE);
                } else {
                    assertThat(e.path("content").path(eventId).path("m.read").has(REMOTE)).isTrue();
                }
            }
            // the remote user's receipt is theirs to send: nothing queued back to its server
            assertThat(a.count("SELECT COUNT(*) FROM federation_queued_edus")).isZero();
        }
    }

    @OnEveryDatabase
    void toDeviceMessagesFromTheOriginsUsersAreDeliveredOnceOthersDropped(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, LONG)) {
            KeysClient.User alice = a.register("alice");
            String since = sync(a, alice, null).path("next_batch").asText();
            InboundEdus edus = a.server().inboundEdus();
            edus.receive(ORIGIN, "m.direct_to_device", json("{\"sender\":\"@eve:elsewhere.example\",\"type\":\"m.x\","
                    + "\"message_id\":\"m0\",\"messages\":{\"" + alice.userId() + "\":{\"*\":{\"n\":0}}}}"));
            edus.receive(ORIGIN, "m.direct_to_device", json("{\"sender\":\"" + REMOTE + "\",\"type\":\"m.x\","
                    + "\"messages\":{\"" + alice.userId() + "\":{\"*\":{\"n\":1}}}}")); // no message_id
            String message = "{\"sender\":\"" + REMOTE + "\",\"type\":\"m.room_key_request\",\"message_id\":\"m1\","
                    + "\"messages\":{\"" + alice.userId() + "\":{\"" + alice.deviceId() + "\":{\"n\":2}}}}";
            edus.receive(ORIGIN, "m.direct_to_device", json(message));
            edus.receive(ORIGIN, "m.direct_to_device", json(message)); // a retried transaction
            JsonNode events = sync(a, alice, since).path("to_device").path("events");
            assertThat(events).hasSize(1);
            assertThat(events.get(0).path("sender").asText()).isEqualTo(REMOTE);
            assertThat(events.get(0).path("type").asText()).isEqualTo("m.room_key_request");
            assertThat(events.get(0).path("content").path("n").asInt()).isEqualTo(2);
        }
    }

    @OnEveryDatabase
    void aRemoteDeviceListUpdateMarksTheUserChangedForLocalUsersSharingARoom(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, LONG)) {
            KeysClient.User alice = a.register("alice");
            String roomId = a.createRoom(alice);
            a.addRemoteMember(roomId, REMOTE);
            String since = sync(a, alice, null).path("next_batch").asText();
            InboundEdus edus = a.server().inboundEdus();
            edus.receive(ORIGIN, "m.device_list_update", json("{\"user_id\":\"@eve:elsewhere.example\","
                    + "\"device_id\":\"D\",\"stream_id\":1,\"prev_id\":[],\"deleted\":false}"));
            edus.receive(ORIGIN, "m.device_list_update", json("{\"user_id\":\"@stranger:remote.example\","
                    + "\"device_id\":\"D\",\"stream_id\":1,\"prev_id\":[],\"deleted\":false}"));
            assertThat(sync(a, alice, since).path("device_lists").path("changed")).isEmpty();
            edus.receive(ORIGIN, "m.device_list_update", json("{\"user_id\":\"" + REMOTE + "\",\"device_id\":\"D\","
                    + "\"stream_id\":2,\"prev_id\":[1],\"deleted\":false}"));
            JsonNode changed = sync(a, alice, since).path("device_lists").path("changed");
            assertThat(changed).hasSize(1);
            assertThat(changed.get(0).asText()).isEqualTo(REMOTE);
            // not relayed: a remote user's device list is their server's to announce
            assertThat(a.count("SELECT COUNT(*) FROM federation_queued_edus")).isZero();
        }
    }

    /**
     * Both halves together: a to-device message a local user sends to a user of another Starling server is queued
     * as an {@code m.direct_to_device} EDU, and that EDU, handed to the other server's handlers as {@code /send}
     * will, arrives in the recipient's /sync.
     */
    @OnEveryDatabase
    void aToDeviceMessageToARemoteDeviceArrivesInItsSync(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, LONG);
                OutboundFedClient b = OutboundFedClient.start(backend, LONG)) {
            KeysClient.User alice = a.register("alice");
            KeysClient.User bob = b.register("bob");
            String since = sync(b, bob, null).path("next_batch").asText();
            assertThat(a.put("/_matrix/client/v3/sendToDevice/m.secret/t1", "{\"messages\":{\"" + bob.userId()
                    + "\":{\"" + bob.deviceId() + "\":{\"ciphertext\":\"abc\"}}}}", alice.token()).status()).isEqualTo(200);
            // Until the inbound /send is merged, B answers 404 and the EDU stays queued on A: hand it over as /send
            // will. (Once /send exists, A may deliver it first; the message ID makes the second delivery a no-op.)
            List<String[]> queued = a.server().database().read(c -> {
                List<String[]> rows = new ArrayList<>();
                try (var s = c.prepareStatement("SELECT edu_type, content, destination FROM federation_queued_edus");
                        var r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(new String[] {r.getString(1), r.getString(2), r.getString(3)});
                    }
                }
                return rows;
            });
            for (String[] edu : queued) {
                assertThat(edu[0]).isEqualTo("m.direct_to_device");
                assertThat(edu[2]).isEqualTo(b.name().value());
                b.server().inboundEdus().receive(a.name(), edu[0], json(edu[1]));
            }
            JsonNode events = sync(b, bob, since).path("to_device").path("events");
            assertThat(events).hasSize(1);
            assertThat(events.get(0).path("sender").asText()).isEqualTo(alice.userId());
            assertThat(events.get(0).path("type").asText()).isEqualTo("m.secret");
            assertThat(events.get(0).path("content").path("ciphertext").asText()).isEqualTo("abc");
        }
    }

    private static ObjectNode json(String text) {
        return CanonicalJson.parseObject(text);
    }

    private static JsonNode sync(OutboundFedClient server, KeysClient.User user, String since) {
        OutboundFedClient.Reply reply = server.get("/_matrix/client/v3/sync?timeout=0"
                + (since == null ? "" : "&since=" + since), user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json();
    }
}
