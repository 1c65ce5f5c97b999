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
import java.util.ArrayList;
import java.util.List;

/** Joining, inviting, leaving, kicking, banning and power levels through the real homeserver, on every database. */
class RoomMembershipHttpTest {
    private static final String BOB = "@bob:example.org";

    @OnEveryDatabase
    void anyoneMayJoinAPublicRoomAndLeaveIt(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");

            Reply join = server.post(V3 + "/join/" + path(roomId), "{}", bob);
            assertThat(join.status()).isEqualTo(200);
            assertThat(join.json().path("room_id").asText()).isEqualTo(roomId);
            assertThat(server.post(room(roomId) + "/join", "{}", bob).status()).as("joining again").isEqualTo(200);
            assertThat(server.queryLong("SELECT COUNT(*) FROM events WHERE type = 'm.room.member' AND state_key = '"
                    + BOB + "'")).isEqualTo(1);
            assertThat(joinedRooms(server, bob)).containsExactly(roomId);
            JsonNode joined = server.get(room(roomId) + "/joined_members", bob).json().path("joined");
            assertThat(joined.has("@alice:example.org")).isTrue();
            assertThat(joined.has(BOB)).isTrue();
            assertThat(server.get(room(roomId) + "/members", bob).json().path("chunk")).hasSize(2);
            assertThat(message(server, bob, roomId, "t", "hi").status()).isEqualTo(200);

            assertThat(server.post(room(roomId) + "/leave", "{}", bob).status()).isEqualTo(200);
            assertThat(joinedRooms(server, bob)).isEmpty();
            assertThat(message(server, bob, roomId, "t2", "gone").status()).isEqualTo(403);
            assertThat(server.post(room(roomId) + "/leave", "{}", bob).status()).as("leaving twice").isEqualTo(403);
        }
    }

    @OnEveryDatabase
    void aPrivateRoomNeedsAnInvite(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"private_chat\"}");

            Reply refused = server.post(room(roomId) + "/join", "{}", bob);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.errcode()).isEqualTo("M_FORBIDDEN");
            assertThat(refused.json().path("error").asText()).contains("JOIN");
            assertThat(membership(server, bob, roomId, "invite", BOB).status()).as("inviting oneself").isEqualTo(403);

            assertThat(membership(server, alice, roomId, "invite", BOB).status()).isEqualTo(200);
            assertThat(server.get(room(roomId) + "/state/m.room.member/" + path(BOB), alice).json().path("membership")
                    .asText()).isEqualTo("invite");
            assertThat(server.post(room(roomId) + "/join", "{}", bob).status()).isEqualTo(200);
            assertThat(joinedRooms(server, bob)).containsExactly(roomId);

            assertThat(server.post(V3 + "/join/" + path("!nowhere:example.org"), "{}", bob).status()).isEqualTo(404);
            assertThat(server.post(V3 + "/join/" + path("#alias:example.org"), "{}", bob).status()).isEqualTo(404);
            assertThat(membership(server, alice, roomId, "invite", "@nobody:example.org").status()).isEqualTo(404);
            // A remote invitee's server is asked to countersign (Server-Server API § Inviting to a room); one that
            // cannot be reached is 502, and nothing is stored (federation/RemoteMembershipHttpTest has the rest).
            Reply unreachable = membership(server, alice, roomId, "invite", "@carol:remote.invalid");
            assertThat(unreachable.status()).isEqualTo(502);
            assertThat(server.get(room(roomId) + "/state/m.room.member/" + path("@carol:remote.invalid"), alice)
                    .status()).isEqualTo(404);
            assertThat(membership(server, alice, roomId, "invite", "carol").errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(server.post(room(roomId) + "/invite", "{}", alice).errcode()).isEqualTo("M_MISSING_PARAM");
        }
    }

    @OnEveryDatabase
    void kickBanAndUnbanNeedThePowerForThem(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            server.post(room(roomId) + "/join", "{}", bob);

            assertThat(membership(server, bob, roomId, "kick", "@alice:example.org").status()).isEqualTo(403);
            assertThat(membership(server, bob, roomId, "ban", "@alice:example.org").status()).isEqualTo(403);
            Reply kick = server.post(room(roomId) + "/kick", "{\"user_id\":\"" + BOB + "\",\"reason\":\"spam\"}", alice);
            assertThat(kick.status()).isEqualTo(200);
            JsonNode member = server.get(room(roomId) + "/state/m.room.member/" + path(BOB), alice).json();
            assertThat(member.path("membership").asText()).isEqualTo("leave");
            assertThat(member.path("reason").asText()).isEqualTo("spam");
            assertThat(server.post(room(roomId) + "/join", "{}", bob).status()).as("a kicked user may rejoin").isEqualTo(200);

            assertThat(membership(server, alice, roomId, "unban", BOB).status()).as("not banned").isEqualTo(403);
            assertThat(membership(server, alice, roomId, "ban", BOB).status()).isEqualTo(200);
            assertThat(joinedRooms(server, bob)).isEmpty();
            Reply bannedJoin = server.post(room(roomId) + "/join", "{}", bob);
            assertThat(bannedJoin.status()).isEqualTo(403);
            assertThat(membership(server, alice, roomId, "unban", BOB).status()).isEqualTo(200);
            assertThat(server.post(room(roomId) + "/join", "{}", bob).status()).isEqualTo(200);
        }
    }

    @OnEveryDatabase
    void powerLevelsDecideWhoMaySetState(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            for (String version : List.of("10", "11", "12")) {
                String roomId = createRoom(server, alice, "{\"preset\":\"private_chat\",\"room_version\":\"" + version
                        + "\",\"name\":\"Original\",\"invite\":[\"" + BOB + "\"]}");
                server.post(room(roomId) + "/join", "{}", bob);
                long events = server.queryLong("SELECT COUNT(*) FROM events");

                Reply refused = server.put(room(roomId) + "/state/m.room.name/", "{\"name\":\"Bob's\"}", bob);
                assertThat(refused.status()).isEqualTo(403);
                assertThat(refused.errcode()).isEqualTo("M_FORBIDDEN");
                assertThat(refused.json().path("error").asText()).contains("INSUFFICIENT_POWER");
                Reply promote = server.put(room(roomId) + "/state/m.room.power_levels/",
                        "{\"users\":{\"" + BOB + "\":100}}", bob);
                assertThat(promote.status()).isEqualTo(403);
                assertThat(server.queryLong("SELECT COUNT(*) FROM events")).isEqualTo(events);
                assertThat(server.get(room(roomId) + "/state/m.room.name", bob).json().path("name").asText())
                        .isEqualTo("Original");

                assertThat(message(server, bob, roomId, "m" + version, "messages need level 0").status()).isEqualTo(200);
                assertThat(server.put(room(roomId) + "/state/m.room.name/", "{\"name\":\"New\"}", alice).status())
                        .isEqualTo(200);
                assertThat(server.get(room(roomId) + "/state/m.room.name", bob).json().path("name").asText())
                        .isEqualTo("New");
                assertThat(server.get(room(roomId) + "/state/m.room.avatar", bob).status()).isEqualTo(404);
            }
        }
    }

    private static List<String> joinedRooms(TestHomeServer server, String token) {
        List<String> rooms = new ArrayList<>();
        server.get(V3 + "/joined_rooms", token).json().path("joined_rooms").forEach(r -> rooms.add(r.asText()));
        return rooms;
    }
}
