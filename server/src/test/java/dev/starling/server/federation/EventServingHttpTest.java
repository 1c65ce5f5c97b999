package dev.starling.server.federation;

import static dev.starling.server.federation.FedEvents.FED;
import static dev.starling.server.federation.FedEvents.client;
import static dev.starling.server.federation.FedEvents.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.federation.FedEvents.Remote;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;

/**
 * Serving a room's DAG to other servers over real HTTP with signed requests: {@code /event}, {@code /state},
 * {@code /state_ids}, {@code /event_auth}, {@code /backfill}, {@code /get_missing_events}. A server with a
 * joined member reads; one without is refused (403 M_FORBIDDEN); an event of another room than the path's is
 * 404 (SECURITY.md item 15); with history visibility "joined", events from before the server's join answer
 * like missing ones.
 */
class EventServingHttpTest {
    private static final RoomVersion VERSION = RoomVersion.V12;

    private record Room(FederatingServer a, Remote b, String alice, String roomId, String bobJoin,
            List<String> messages) {}

    private static Room room(FederatingServer a, FederatingServer b, String alice, boolean joinedOnly) {
        Remote remote = Remote.of(b);
        String roomId = FedEvents.createPublicRoom(a, alice, VERSION);
        String room = FedEvents.V3 + "/rooms/" + path(roomId);
        if (joinedOnly) {
            assertThat(client(a, "PUT", room + "/state/m.room.history_visibility/",
                    "{\"history_visibility\":\"joined\"}", alice).status()).isEqualTo(200);
        }
        String early = FedEvents.say(a, alice, roomId, "before bob");
        ObjectNode join = FedEvents.join(a, remote, VERSION, roomId, remote.user("bob"));
        FederatingServer.Reply joined = FedEvents.transaction(remote, a, "join" + roomId, List.of(join), List.of());
        String joinId = FedEvents.id(join, VERSION);
        assertThat(joined.json().path("pdus").path(joinId).has("error")).isFalse();
        List<String> messages = new ArrayList<>(List.of(early));
        for (int i = 0; i < 3; i++) {
            messages.add(FedEvents.say(a, alice, roomId, "after " + i));
        }
        return new Room(a, remote, alice, roomId, joinId, messages);
    }

    private static List<String> ids(JsonNode pdus) {
        List<String> ids = new ArrayList<>();
        pdus.forEach(p -> ids.add(Pdu.fromJson((ObjectNode) p, VERSION).eventId().value()));
        return ids;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    @OnEveryDatabase
    void aMemberServerReadsEventsStateAuthChainsAndHistory(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            String alice = FedEvents.register(a, "alice");
            Room r = room(a, b, alice, false);
            String last = r.messages().get(3);

            FederatingServer.Reply event = FedEvents.signed(r.b(), a, "GET", FED + "/event/" + path(last), null);
            assertThat(event.status()).isEqualTo(200);
            assertThat(event.json().path("origin").asText()).isEqualTo(a.name().value());
            assertThat(ids(event.json().path("pdus"))).containsExactly(last);

            String at = "?event_id=" + path(r.bobJoin());
            FederatingServer.Reply stateIds = FedEvents.signed(r.b(), a, "GET", FED + "/state_ids/" + path(r.roomId()) + at,
                    null);
            assertThat(stateIds.status()).isEqualTo(200);
            List<String> pduIds = texts(stateIds.json().path("pdu_ids"));
            // The state before bob's join: the room's state without bob.
            assertThat(pduIds).contains(FedEvents.state(a, r.roomId(), "m.room.create", ""),
                    FedEvents.state(a, r.roomId(), "m.room.power_levels", ""),
                    FedEvents.state(a, r.roomId(), "m.room.member", "@alice:" + a.name().value()))
                    .doesNotContain(r.bobJoin());
            // v12: the create event is in no auth_events, so in no auth chain.
            assertThat(texts(stateIds.json().path("auth_chain_ids")))
                    .contains(FedEvents.state(a, r.roomId(), "m.room.member", "@alice:" + a.name().value()))
                    .doesNotContain(FedEvents.state(a, r.roomId(), "m.room.create", ""));
            FederatingServer.Reply state = FedEvents.signed(r.b(), a, "GET", FED + "/state/" + path(r.roomId()) + at, null);
            assertThat(ids(state.json().path("pdus"))).containsExactlyInAnyOrderElementsOf(pduIds);
            assertThat(ids(state.json().path("auth_chain")))
                    .containsExactlyInAnyOrderElementsOf(texts(stateIds.json().path("auth_chain_ids")));

            FederatingServer.Reply auth = FedEvents.signed(r.b(), a, "GET", FED + "/event_auth/" + path(r.roomId()) + "/"
                    + path(last), null);
            assertThat(ids(auth.json().path("auth_chain"))).contains(
                    FedEvents.state(a, r.roomId(), "m.room.power_levels", ""),
                    FedEvents.state(a, r.roomId(), "m.room.member", "@alice:" + a.name().value()));

            FederatingServer.Reply backfill = FedEvents.signed(r.b(), a, "GET", FED + "/backfill/" + path(r.roomId())
                    + "?v=" + path(last) + "&limit=3", null);
            assertThat(backfill.status()).isEqualTo(200);
            assertThat(ids(backfill.json().path("pdus"))).containsExactly(last, r.messages().get(2), r.messages().get(1));

            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.putArray("earliest_events").add(r.bobJoin());
            body.putArray("latest_events").add(last);
            body.put("limit", 10);
            FederatingServer.Reply missing = FedEvents.signed(r.b(), a, "POST", FED + "/get_missing_events/"
                    + path(r.roomId()), body);
            assertThat(missing.status()).isEqualTo(200);
            assertThat(ids(missing.json().path("events"))).containsExactly(r.messages().get(1), r.messages().get(2));
        }
    }

    @OnEveryDatabase
    void serversWithoutAMemberAreRefusedAndPathsMustNameTheEventsRoom(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend);
                FederatingServer c = FederatingServer.start(backend)) {
            String alice = FedEvents.register(a, "alice");
            Room r = room(a, b, alice, false);
            Room other = room(a, b, alice, false);
            Remote outsider = Remote.of(c);
            String last = r.messages().get(3);
            String room = path(r.roomId());
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.putArray("earliest_events");
            body.putArray("latest_events").add(last);
            List<FederatingServer.Reply> refused = List.of(
                    FedEvents.signed(outsider, a, "GET", FED + "/event/" + path(last), null),
                    FedEvents.signed(outsider, a, "GET", FED + "/state/" + room + "?event_id=" + path(last), null),
                    FedEvents.signed(outsider, a, "GET", FED + "/state_ids/" + room + "?event_id=" + path(last), null),
                    FedEvents.signed(outsider, a, "GET", FED + "/event_auth/" + room + "/" + path(last), null),
                    FedEvents.signed(outsider, a, "GET", FED + "/backfill/" + room + "?v=" + path(last) + "&limit=5", null),
                    FedEvents.signed(outsider, a, "POST", FED + "/get_missing_events/" + room, body));
            for (FederatingServer.Reply reply : refused) {
                assertThat(reply.status()).as(String.valueOf(reply.json())).isEqualTo(403);
                assertThat(reply.errcode()).isEqualTo("M_FORBIDDEN");
            }
            // The event of one room asked for under another room's path: not found there (SECURITY.md item 15).
            String otherRoom = path(other.roomId());
            assertThat(FedEvents.signed(r.b(), a, "GET", FED + "/event_auth/" + otherRoom + "/" + path(last), null)
                    .status()).isEqualTo(404);
            assertThat(FedEvents.signed(r.b(), a, "GET", FED + "/state_ids/" + otherRoom + "?event_id=" + path(last),
                    null).status()).isEqualTo(404);
            // Backfill from another room's event gives nothing of it.
            FederatingServer.Reply cross = FedEvents.signed(r.b(), a, "GET", FED + "/backfill/" + otherRoom + "?v="
                    + path(last) + "&limit=5", null);
            assertThat(cross.json().path("pdus").size()).isZero();
            // Unknown events; bad parameters; unsigned requests.
            assertThat(FedEvents.signed(r.b(), a, "GET", FED + "/event/" + path("$" + "B".repeat(43)), null).status())
                    .isEqualTo(404);
            FederatingServer.Reply noV = FedEvents.signed(r.b(), a, "GET", FED + "/backfill/" + room + "?limit=5", null);
            assertThat(noV.status()).isEqualTo(400);
            assertThat(noV.errcode()).isEqualTo("M_MISSING_PARAM");
            FederatingServer.Reply noEvent = FedEvents.signed(r.b(), a, "GET", FED + "/state_ids/" + room, null);
            assertThat(noEvent.errcode()).isEqualTo("M_MISSING_PARAM");
            assertThat(a.send("GET", FED + "/event/" + path(last), null, java.util.Map.of()).status()).isEqualTo(401);
        }
    }

    @OnEveryDatabase
    void historyVisibilityJoinedHidesWhatCameBeforeTheServersJoin(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            String alice = FedEvents.register(a, "alice");
            Room r = room(a, b, alice, true);
            String before = r.messages().get(0);
            assertThat(FedEvents.signed(r.b(), a, "GET", FED + "/event/" + path(before), null).status()).isEqualTo(404);
            assertThat(FedEvents.signed(r.b(), a, "GET", FED + "/event/" + path(r.messages().get(1)), null).status())
                    .isEqualTo(200);
            FederatingServer.Reply backfill = FedEvents.signed(r.b(), a, "GET", FED + "/backfill/" + path(r.roomId())
                    + "?v=" + path(r.messages().get(3)) + "&limit=20", null);
            List<String> served = ids(backfill.json().path("pdus"));
            assertThat(served).contains(r.bobJoin(), r.messages().get(1)).doesNotContain(before);
        }
    }
}
