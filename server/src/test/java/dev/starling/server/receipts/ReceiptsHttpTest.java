package dev.starling.server.receipts;

import static dev.starling.server.SideChannels.message;
import static dev.starling.server.SideChannels.ofType;
import static dev.starling.server.SideChannels.roomEvents;
import static dev.starling.server.SideChannels.since;
import static dev.starling.server.SideChannels.sync;
import static dev.starling.server.rooms.RoomClient.V3;
import static dev.starling.server.rooms.RoomClient.path;
import static dev.starling.server.rooms.RoomClient.room;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.starling.server.SideChannels;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.rooms.RoomClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/** Receipts, read markers and m.receipt in /sync, through the real homeserver, on every database. */
class ReceiptsHttpTest {
    static final String BOB = "@bob:example.org";

    static Reply receipt(TestHomeServer server, String token, String roomId, String type, String eventId, String body) {
        return server.post(room(roomId) + "/receipt/" + type + "/" + path(eventId), body, token);
    }

    /** {@code content[eventId][type][user]} of the room's m.receipt events in a sync, or a missing node. */
    static JsonNode receiptOf(JsonNode sync, String roomId, String eventId, String type, String user) {
        for (JsonNode event : ofType(roomEvents(sync, roomId, "ephemeral"), "m.receipt")) {
            JsonNode found = event.path("content").path(eventId).path(type).path(user);
            if (!found.isMissingNode()) {
                return found;
            }
        }
        return MissingNode.getInstance();
    }

    @OnEveryDatabase
    void aReadReceiptReachesTheOtherMemberOnce(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            String event = message(server, p.alice(), p.roomId(), "t1", "hello");
            JsonNode before = sync(server, p.alice(), "");

            Reply sent = receipt(server, p.bob(), p.roomId(), "m.read", event, "{}");
            assertThat(sent.status()).isEqualTo(200);
            assertThat(sent.json().isEmpty()).isTrue();
            JsonNode after = sync(server, p.alice(), since(before));
            JsonNode read = receiptOf(after, p.roomId(), event, "m.read", BOB);
            assertThat(read.path("ts").isIntegralNumber()).isTrue();
            assertThat(read.has("thread_id")).isFalse();
            assertThat(receiptOf(sync(server, p.alice(), since(after)), p.roomId(), event, "m.read", BOB)
                    .isMissingNode()).as("not again").isTrue();
            assertThat(receiptOf(sync(server, p.alice(), ""), p.roomId(), event, "m.read", BOB).isMissingNode())
                    .as("an initial sync has every latest receipt").isFalse();
        }
    }

    @OnEveryDatabase
    void aPrivateReceiptReachesOnlyItsOwner(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            String event = message(server, p.alice(), p.roomId(), "t1", "hello");
            assertThat(receipt(server, p.bob(), p.roomId(), "m.read.private", event, "{}").status()).isEqualTo(200);
            assertThat(receiptOf(sync(server, p.alice(), ""), p.roomId(), event, "m.read.private", BOB)
                    .isMissingNode()).isTrue();
            assertThat(receiptOf(sync(server, p.bob(), ""), p.roomId(), event, "m.read.private", BOB)
                    .isMissingNode()).isFalse();
        }
    }

    @OnEveryDatabase
    void aThreadedReceiptCarriesItsThreadAndAReceiptNeverMovesBack(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            String first = message(server, p.alice(), p.roomId(), "t1", "one");
            String second = message(server, p.alice(), p.roomId(), "t2", "two");
            receipt(server, p.bob(), p.roomId(), "m.read", first, "{\"thread_id\":\"main\"}");
            assertThat(receiptOf(sync(server, p.alice(), ""), p.roomId(), first, "m.read", BOB)
                    .path("thread_id").asText()).isEqualTo("main");

            receipt(server, p.bob(), p.roomId(), "m.read", second, "{}");
            JsonNode at = sync(server, p.alice(), "");
            assertThat(receipt(server, p.bob(), p.roomId(), "m.read", first, "{}").status()).isEqualTo(200);
            JsonNode later = sync(server, p.alice(), "");
            assertThat(receiptOf(later, p.roomId(), second, "m.read", BOB).isMissingNode())
                    .as("the unthreaded receipt stays at the later event").isFalse();
            assertThat(receiptOf(sync(server, p.alice(), since(at)), p.roomId(), first, "m.read", BOB)
                    .isMissingNode()).isTrue();
        }
    }

    @OnEveryDatabase
    void readMarkersSetTheFullyReadAccountDataAndTheReceipts(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            String event = message(server, p.alice(), p.roomId(), "t1", "hello");
            JsonNode before = sync(server, p.bob(), "");
            Reply set = server.post(room(p.roomId()) + "/read_markers", "{\"m.fully_read\":\"" + event
                    + "\",\"m.read\":\"" + event + "\",\"m.read.private\":\"" + event + "\"}", p.bob());
            assertThat(set.status()).as(set.json().toString()).isEqualTo(200);

            JsonNode after = sync(server, p.bob(), since(before));
            List<JsonNode> fullyRead = ofType(roomEvents(after, p.roomId(), "account_data"), "m.fully_read");
            assertThat(fullyRead).hasSize(1);
            assertThat(fullyRead.get(0).path("content").path("event_id").asText()).isEqualTo(event);
            assertThat(receiptOf(after, p.roomId(), event, "m.read", BOB).isMissingNode()).isFalse();
            assertThat(receiptOf(after, p.roomId(), event, "m.read.private", BOB).isMissingNode()).isFalse();
            Reply read = server.get(V3 + "/user/" + path(BOB) + "/rooms/" + path(p.roomId())
                    + "/account_data/m.fully_read", p.bob());
            assertThat(read.json().path("event_id").asText()).isEqualTo(event);

            String next = message(server, p.alice(), p.roomId(), "t2", "again");
            assertThat(receipt(server, p.bob(), p.roomId(), "m.fully_read", next, "{}").status()).isEqualTo(200);
            read = server.get(V3 + "/user/" + path(BOB) + "/rooms/" + path(p.roomId())
                    + "/account_data/m.fully_read", p.bob());
            assertThat(read.json().path("event_id").asText()).as("m.fully_read through /receipt").isEqualTo(next);
        }
    }

    @OnEveryDatabase
    void receiptsForEventsOutsideTheRoomOrOutOfSightOrByStrangersAreRefused(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            String carol = RoomClient.register(server, "carol");
            String event = message(server, p.alice(), p.roomId(), "t1", "hello");
            String otherRoom = RoomClient.createRoom(server, p.alice(), "{}");
            String elsewhere = message(server, p.alice(), otherRoom, "t2", "elsewhere");
            // A private room with joined-only history: carol joins after the secret and may not see it.
            String privateRoom = RoomClient.createRoom(server, p.alice(),
                    "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":\"m.room.history_visibility\","
                            + "\"state_key\":\"\",\"content\":{\"history_visibility\":\"joined\"}}]}");
            String secret = message(server, p.alice(), privateRoom, "t3", "secret");
            assertThat(RoomClient.membership(server, carol, privateRoom, "join", null).status()).isEqualTo(200);

            Reply otherRoomsEvent = receipt(server, p.bob(), p.roomId(), "m.read", elsewhere, "{}");
            assertThat(otherRoomsEvent.status()).isEqualTo(404);
            assertThat(otherRoomsEvent.errcode()).isEqualTo("M_NOT_FOUND");
            Reply unknown = receipt(server, p.bob(), p.roomId(), "m.read",
                    event.substring(0, event.length() - 1) + (event.endsWith("A") ? "B" : "A"), "{}");
            assertThat(unknown.status()).isEqualTo(404);
            Reply hidden = receipt(server, carol, privateRoom, "m.read", secret, "{}");
            assertThat(hidden.status()).as("an invisible event answers like a missing one").isEqualTo(404);
            Reply stranger = receipt(server, carol, p.roomId(), "m.read", event, "{}");
            assertThat(stranger.status()).isEqualTo(403);
            assertThat(stranger.errcode()).isEqualTo("M_FORBIDDEN");
            Reply badType = receipt(server, p.bob(), p.roomId(), "m.seen", event, "{}");
            assertThat(badType.status()).isEqualTo(400);
            assertThat(badType.errcode()).isEqualTo("M_INVALID_PARAM");
            Reply emptyThread = receipt(server, p.bob(), p.roomId(), "m.read", event, "{\"thread_id\":\"\"}");
            assertThat(emptyThread.errcode()).isEqualTo("M_INVALID_PARAM");
            Reply numberThread = receipt(server, p.bob(), p.roomId(), "m.read", event, "{\"thread_id\":5}");
            assertThat(numberThread.errcode()).isEqualTo("M_INVALID_PARAM");
            Reply threadedMarker = receipt(server, p.bob(), p.roomId(), "m.fully_read", event,
                    "{\"thread_id\":\"main\"}");
            assertThat(threadedMarker.errcode()).isEqualTo("M_INVALID_PARAM");
            Reply badMarkers = server.post(room(p.roomId()) + "/read_markers",
                    "{\"m.fully_read\":\"" + event + "\",\"m.read\":\"" + elsewhere + "\"}", p.bob());
            assertThat(badMarkers.status()).isEqualTo(404);
            Reply notAnId = server.post(room(p.roomId()) + "/read_markers", "{\"m.read\":\"hello\"}", p.bob());
            assertThat(notAnId.status()).isEqualTo(400);

            assertThat(server.queryLong("SELECT COUNT(*) FROM receipts")).as("nothing stored").isZero();
            assertThat(server.queryLong("SELECT COUNT(*) FROM account_data WHERE type = 'm.fully_read'"))
                    .as("not even the marker of the refused read_markers").isZero();
        }
    }
}
