package dev.starling.server.profile;

import static dev.starling.server.rooms.RoomClient.V3;
import static dev.starling.server.rooms.RoomClient.createRoom;
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

/** Profiles: GET/PUT /profile/{userId}[/displayname|/avatar_url] and their propagation to rooms, on every database. */
class ProfileHttpTest {
    static final String ALICE = "@alice:example.org";
    static final String BOB = "@bob:example.org";

    static String profile(String userId) {
        return V3 + "/profile/" + path(userId);
    }

    @OnEveryDatabase
    void aNewAccountsDisplayNameIsItsLocalpartAndItsOwnerChangesIt(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");

            Reply initial = server.get(profile(ALICE), null);
            assertThat(initial.status()).as("no token needed").isEqualTo(200);
            assertThat(initial.json().path("displayname").asText()).isEqualTo("alice");
            assertThat(initial.json().has("avatar_url")).isFalse();
            Reply noAvatar = server.get(profile(ALICE) + "/avatar_url", null);
            assertThat(noAvatar.status()).isEqualTo(404);
            assertThat(noAvatar.errcode()).isEqualTo("M_NOT_FOUND");

            assertThat(server.put(profile(ALICE) + "/avatar_url", "{\"avatar_url\":\"mxc://example.org/me\"}", alice)
                    .status()).isEqualTo(200);
            assertThat(server.put(profile(ALICE) + "/displayname", "{\"displayname\":\"Alice 🐇\"}", alice).status())
                    .isEqualTo(200);
            assertThat(server.get(profile(ALICE) + "/displayname", alice).json().path("displayname").asText())
                    .isEqualTo("Alice 🐇");
            assertThat(server.get(profile(ALICE) + "/avatar_url", alice).json().path("avatar_url").asText())
                    .isEqualTo("mxc://example.org/me");
            assertThat(server.get(profile(ALICE), alice).json().path("avatar_url").asText()).isEqualTo("mxc://example.org/me");

            assertThat(server.put(profile(ALICE) + "/displayname", "{\"displayname\":\"\"}", alice).status())
                    .as("an empty name clears it").isEqualTo(200);
            assertThat(server.get(profile(ALICE) + "/displayname", alice).status()).isEqualTo(404);
            assertThat(server.get(profile(ALICE), alice).json().has("displayname")).isFalse();
            assertThat(server.get(profile(ALICE), alice).json().path("avatar_url").asText()).isEqualTo("mxc://example.org/me");
        }
    }

    @OnEveryDatabase
    void nobodyChangesAnotherUsersProfileAndBadValuesAreRefused(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");

            Reply other = server.put(profile(ALICE) + "/displayname", "{\"displayname\":\"Mallory\"}", bob);
            assertThat(other.status()).isEqualTo(403);
            assertThat(other.errcode()).isEqualTo("M_FORBIDDEN");
            assertThat(server.put(profile(ALICE) + "/avatar_url", "{\"avatar_url\":\"mxc://x/y\"}", bob).status())
                    .isEqualTo(403);
            assertThat(server.put(profile(ALICE) + "/displayname", "{\"displayname\":\"x\"}", null).status()).isEqualTo(401);
            String displayname = profile(ALICE) + "/displayname";
            assertThat(server.put(displayname, "{}", alice).errcode()).isEqualTo("M_MISSING_PARAM");
            assertThat(server.put(displayname, "{\"displayname\":5}", alice).errcode()).isEqualTo("M_BAD_JSON");
            assertThat(server.put(displayname, "{\"displayname\":null}", alice).errcode()).isEqualTo("M_BAD_JSON");
            assertThat(server.put(displayname, "{\"displayname\":\"" + "n".repeat(257) + "\"}", alice).errcode())
                    .isEqualTo("M_INVALID_PARAM");
            String avatar = profile(ALICE) + "/avatar_url";
            assertThat(server.put(avatar, "{\"avatar_url\":\"https://example.org/a.png\"}", alice).errcode())
                    .isEqualTo("M_INVALID_PARAM");
            assertThat(server.put(avatar, "{\"avatar_url\":\"mxc://" + "a".repeat(1000) + "\"}", alice).errcode())
                    .isEqualTo("M_INVALID_PARAM");
            assertThat(server.put(avatar, "{\"avatar_url\":[]}", alice).errcode()).isEqualTo("M_BAD_JSON");
            assertThat(server.put(profile("not-a-user") + "/displayname", "{\"displayname\":\"x\"}", alice).errcode())
                    .isEqualTo("M_INVALID_PARAM");
            assertThat(server.queryLong("SELECT COUNT(*) FROM profiles")).as("nothing was stored").isZero();
            assertThat(server.get(profile(ALICE), bob).json().path("displayname").asText()).isEqualTo("alice");

            for (String unknown : List.of("@nobody:example.org", "@carol:other.org")) {
                Reply missing = server.get(profile(unknown), alice);
                assertThat(missing.status()).as(unknown).isEqualTo(404);
                assertThat(missing.errcode()).as(unknown).isEqualTo("M_NOT_FOUND");
                assertThat(server.get(profile(unknown) + "/displayname", alice).status()).as(unknown).isEqualTo(404);
            }
            assertThat(server.get(profile("nobody"), alice).errcode()).isEqualTo("M_INVALID_PARAM");
        }
    }

    @OnEveryDatabase
    void joinsCarryTheProfileAndChangesReachEveryJoinedRoomInSyncAndMembers(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            assertThat(server.put(profile(BOB) + "/avatar_url", "{\"avatar_url\":\"mxc://example.org/bob\"}", bob)
                    .status()).isEqualTo(200);
            String first = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            String second = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            String left = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            for (String roomId : List.of(first, second, left)) {
                assertThat(server.post(V3 + "/join/" + path(roomId), "{}", bob).status()).isEqualTo(200);
            }
            assertThat(server.post(room(left) + "/leave", "{}", bob).status()).isEqualTo(200);
            JsonNode bobsJoin = server.get(room(first) + "/state/m.room.member/" + path(BOB), alice).json();
            assertThat(bobsJoin.path("displayname").asText()).as("a join carries the profile").isEqualTo("bob");
            assertThat(bobsJoin.path("avatar_url").asText()).isEqualTo("mxc://example.org/bob");
            assertThat(server.get(room(first) + "/state/m.room.member/" + path(ALICE), alice).json().path("displayname")
                    .asText()).as("so does the creator's").isEqualTo("alice");
            String since = server.get(V3 + "/sync", alice).json().path("next_batch").asText();
            long leftEvents = server.queryLong("SELECT COUNT(*) FROM events WHERE room_id = '" + left + "'");

            assertThat(server.put(profile(BOB) + "/displayname", "{\"displayname\":\"Bobby\"}", bob).status())
                    .isEqualTo(200);

            for (String roomId : List.of(first, second)) {
                JsonNode member = server.get(room(roomId) + "/state/m.room.member/" + path(BOB), alice).json();
                assertThat(member.path("membership").asText()).isEqualTo("join");
                assertThat(member.path("displayname").asText()).isEqualTo("Bobby");
                assertThat(member.path("avatar_url").asText()).isEqualTo("mxc://example.org/bob");
                JsonNode members = server.get(room(roomId) + "/members", alice).json().path("chunk");
                assertThat(members.findValuesAsText("displayname")).contains("Bobby");
                assertThat(server.get(room(roomId) + "/joined_members", alice).json().path("joined").path(BOB)
                        .path("display_name").asText()).isEqualTo("Bobby");
            }
            assertThat(server.queryLong("SELECT COUNT(*) FROM events WHERE room_id = '" + left + "'"))
                    .as("a room bob left is not touched").isEqualTo(leftEvents);
            JsonNode sync = server.get(V3 + "/sync?timeout=0&since=" + since, alice).json();
            for (String roomId : List.of(first, second)) {
                JsonNode events = sync.path("rooms").path("join").path(roomId).path("timeline").path("events");
                assertThat(events).as(sync.toString()).hasSize(1);
                assertThat(events.get(0).path("type").asText()).isEqualTo("m.room.member");
                assertThat(events.get(0).path("state_key").asText()).isEqualTo(BOB);
                assertThat(events.get(0).path("content").path("displayname").asText()).isEqualTo("Bobby");
            }
            assertThat(sync.path("rooms").path("join").has(left)).isFalse();

            long events = server.queryLong("SELECT COUNT(*) FROM events");
            assertThat(server.put(profile(BOB) + "/displayname", "{\"displayname\":\"Bobby\"}", bob).status())
                    .isEqualTo(200);
            assertThat(server.queryLong("SELECT COUNT(*) FROM events")).as("an unchanged profile sends nothing")
                    .isEqualTo(events);
        }
    }

    @OnEveryDatabase
    void invitesCarryTheInviteesProfile(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            assertThat(server.put(profile(BOB) + "/displayname", "{\"displayname\":\"Bobby\"}", bob).status())
                    .isEqualTo(200);
            String created = createRoom(server, alice, "{\"invite\":[\"" + BOB + "\"]}");
            String later = createRoom(server, alice, "{}");
            assertThat(server.post(room(later) + "/invite", "{\"user_id\":\"" + BOB + "\"}", alice).status())
                    .isEqualTo(200);

            for (String roomId : List.of(created, later)) {
                JsonNode invite = server.get(room(roomId) + "/state/m.room.member/" + path(BOB), alice).json();
                assertThat(invite.path("membership").asText()).isEqualTo("invite");
                assertThat(invite.path("displayname").asText()).isEqualTo("Bobby");
            }
        }
    }
}
