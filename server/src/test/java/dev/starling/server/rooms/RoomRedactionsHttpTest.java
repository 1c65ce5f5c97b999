package dev.starling.server.rooms;

import static dev.starling.server.rooms.RoomClient.V3;
import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.membership;
import static dev.starling.server.rooms.RoomClient.message;
import static dev.starling.server.rooms.RoomClient.path;
import static dev.starling.server.rooms.RoomClient.register;
import static dev.starling.server.rooms.RoomClient.room;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/** PUT /rooms/{roomId}/redact/{eventId}/{txnId} and redacted events wherever they are served, on every database. */
class RoomRedactionsHttpTest {
    private static final String REDACTIONS = "SELECT COUNT(*) FROM events WHERE type = 'm.room.redaction'";

    static Reply redact(TestHomeServer server, String token, String roomId, String eventId, String txnId, String body) {
        return server.put(room(roomId) + "/redact/" + path(eventId) + "/" + path(txnId), body, token);
    }

    static String eventId(Reply reply) {
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().path("event_id").asText();
    }

    static JsonNode find(JsonNode events, String eventId) {
        for (JsonNode event : events) {
            if (event.path("event_id").asText().equals(eventId)) {
                return event;
            }
        }
        throw new AssertionError(eventId + " not in " + events);
    }

    @OnEveryDatabase
    void aRedactedMessageIsServedRedactedEverywhereAndTheTransactionIsIdempotent(Backend backend) {
        for (String version : List.of("10", "11", "12")) {
            try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
                String alice = register(server, "alice");
                String roomId = createRoom(server, alice, "{\"room_version\":\"" + version + "\"}");
                String target = eventId(message(server, alice, roomId, "m1", "oops"));

                String redaction = eventId(redact(server, alice, roomId, target, "r1", "{\"reason\":\"typo\"}"));
                assertThat(eventId(redact(server, alice, roomId, target, "r1", "{\"reason\":\"typo\"}")))
                        .isEqualTo(redaction);
                assertThat(server.queryLong(REDACTIONS)).isEqualTo(1);

                JsonNode event = server.get(room(roomId) + "/event/" + path(target), alice).json();
                assertThat(event.path("content").size()).as(version).isZero();
                JsonNode because = event.path("unsigned").path("redacted_because");
                assertThat(because.path("event_id").asText()).isEqualTo(redaction);
                assertThat(because.path("redacts").asText()).isEqualTo(target);
                assertThat(because.path("content").path("reason").asText()).isEqualTo("typo");

                JsonNode messages = server.get(room(roomId) + "/messages?dir=b&limit=5", alice).json().path("chunk");
                assertThat(find(messages, target).path("content").size()).isZero();
                JsonNode redactionEvent = find(messages, redaction);
                assertThat(redactionEvent.path("redacts").asText()).isEqualTo(target);
                assertThat(redactionEvent.path("unsigned").path("transaction_id").asText()).isEqualTo("r1");

                JsonNode timeline = server.get(V3 + "/sync", alice).json().path("rooms").path("join").path(roomId)
                        .path("timeline").path("events");
                assertThat(find(timeline, target).path("unsigned").path("redacted_because").path("event_id").asText())
                        .isEqualTo(redaction);
            }
        }
    }

    @OnEveryDatabase
    void aRedactedStateEventKeepsOnlyTheProtectedKeys(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{\"topic\":\"secret plans\"}");
            JsonNode topic = RoomClient.stateEvent(RoomClient.state(server, alice, roomId).json(), "m.room.topic", "");
            eventId(redact(server, alice, roomId, topic.path("event_id").asText(), "r1", "{}"));

            Reply content = server.get(room(roomId) + "/state/m.room.topic", alice);
            assertThat(content.status()).isEqualTo(200);
            assertThat(content.json().size()).isZero();
            JsonNode state = RoomClient.stateEvent(RoomClient.state(server, alice, roomId).json(), "m.room.topic", "");
            assertThat(state.path("unsigned").has("redacted_because")).isTrue();
        }
    }

    @OnEveryDatabase
    void redactedNamesReachNeitherInviteesNorMemberLists(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String carol = register(server, "carol");
            String roomId = createRoom(server, alice, "{\"name\":\"Secret name\"}");
            JsonNode name = RoomClient.stateEvent(RoomClient.state(server, alice, roomId).json(), "m.room.name", "");
            eventId(redact(server, alice, roomId, name.path("event_id").asText(), "r1", "{}"));
            String member = eventId(server.put(room(roomId) + "/state/m.room.member/" + path("@alice:example.org"),
                    "{\"membership\":\"join\",\"displayname\":\"Secret Alice\"}", alice));
            eventId(redact(server, alice, roomId, member, "r2", "{}"));
            assertThat(membership(server, alice, roomId, "invite", "@carol:example.org").status()).isEqualTo(200);

            JsonNode invite = server.get(V3 + "/sync", carol).json().path("rooms").path("invite").path(roomId)
                    .path("invite_state").path("events");
            JsonNode strippedName = RoomClient.stateEvent(invite, "m.room.name", "");
            assertThat(strippedName.path("content").has("name")).isFalse();
            JsonNode joined = server.get(room(roomId) + "/joined_members", alice).json().path("joined")
                    .path("@alice:example.org");
            assertThat(joined.path("display_name").isNull()).isTrue();
        }
    }

    @OnEveryDatabase
    void redactingOthersEventsNeedsTheRedactLevelAndNothingIsStoredWhenRefused(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String eve = register(server, "eve");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            String fromAlice = eventId(message(server, alice, roomId, "m1", "alice's"));
            String fromBob = eventId(message(server, bob, roomId, "m2", "bob's"));
            String create = RoomClient.stateEvent(RoomClient.state(server, alice, roomId).json(), "m.room.create", "")
                    .path("event_id").asText();

            Reply othersEvent = redact(server, bob, roomId, fromAlice, "r1", "{}");
            assertThat(othersEvent.status()).isEqualTo(403);
            assertThat(othersEvent.errcode()).isEqualTo("M_FORBIDDEN");
            Reply unknown = redact(server, bob, roomId, "$" + "A".repeat(43), "r2", "{}");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.errcode()).isEqualTo("M_NOT_FOUND");
            Reply stranger = redact(server, eve, roomId, fromBob, "r3", "{}");
            assertThat(stranger.status()).isEqualTo(403);
            Reply createEvent = redact(server, alice, roomId, create, "r4", "{}");
            assertThat(createEvent.status()).isEqualTo(403);
            Reply viaSend = server.put(room(roomId) + "/send/m.room.redaction/r5", "{\"redacts\":\"" + fromAlice + "\"}",
                    bob);
            assertThat(viaSend.status()).isEqualTo(403);
            Reply badReason = redact(server, bob, roomId, fromBob, "r6", "{\"reason\":5}");
            assertThat(badReason.status()).isEqualTo(400);
            assertThat(badReason.errcode()).isEqualTo("M_BAD_JSON");
            Reply notJson = redact(server, bob, roomId, fromBob, "r7", "reason");
            assertThat(notJson.status()).isEqualTo(400);
            assertThat(notJson.errcode()).isEqualTo("M_NOT_JSON");
            Reply badId = redact(server, bob, roomId, "not-an-event", "r8", "{}");
            assertThat(badId.status()).isEqualTo(400);
            assertThat(server.queryLong(REDACTIONS)).isZero();

            eventId(redact(server, bob, roomId, fromBob, "r9", "{}"));
            eventId(redact(server, alice, roomId, fromBob, "r10", "{}"));
            String moderated = eventId(redact(server, alice, roomId, fromAlice, "r11", "{}"));
            assertThat(server.get(room(roomId) + "/event/" + path(fromAlice), bob).json().path("unsigned")
                    .path("redacted_because").path("event_id").asText()).isEqualTo(moderated);
            // With the redact level, an event this server does not know may be named (it may arrive later).
            eventId(redact(server, alice, roomId, "$" + "B".repeat(43), "r12", "{}"));
        }
    }

    @OnEveryDatabase
    void aStateEventOfTheRedactionTypeRedactsNothing(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\","
                    + "\"power_level_content_override\":{\"state_default\":0}}");
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            String target = eventId(message(server, alice, roomId, "m1", "stays"));
            eventId(server.put(room(roomId) + "/state/m.room.redaction/x", "{\"redacts\":\"" + target + "\"}", bob));
            assertThat(server.get(room(roomId) + "/event/" + path(target), bob).json().path("content").path("body")
                    .asText()).isEqualTo("stays");
        }
    }

    @OnEveryDatabase
    void aRedactionNamingAnEventOfAnotherRoomRedactsNothing(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String first = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            String second = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(membership(server, bob, second, "join", null).status()).isEqualTo(200);
            String elsewhere = eventId(message(server, alice, first, "m1", "stays"));
            String own = eventId(message(server, bob, first.equals(second) ? second : second, "m2", "x"));

            // Without the redact level, an event of another room reads as missing: nothing to probe.
            assertThat(redact(server, bob, second, elsewhere, "r1", "{}").status()).isEqualTo(404);
            eventId(redact(server, alice, second, elsewhere, "r2", "{}"));
            assertThat(server.get(room(first) + "/event/" + path(elsewhere), alice).json().path("content")
                    .path("body").asText()).isEqualTo("stays");
            assertThat(own).startsWith("$");
        }
    }
}
