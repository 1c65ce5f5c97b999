package dev.starling.server.aliases;

import static dev.starling.server.aliases.AliasesHttpTest.ALIAS;
import static dev.starling.server.aliases.AliasesHttpTest.alias;
import static dev.starling.server.aliases.AliasesHttpTest.aliasRows;
import static dev.starling.server.aliases.AliasesHttpTest.bind;
import static dev.starling.server.rooms.RoomClient.V3;
import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.path;
import static dev.starling.server.rooms.RoomClient.register;
import static dev.starling.server.rooms.RoomClient.room;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/**
 * Aliases where rooms meet them: createRoom's room_alias_name, joining by alias, and the check of a client's
 * m.room.canonical_alias; on every database.
 */
class AliasRoomsHttpTest {
    private static long rooms(TestHomeServer server) {
        return server.queryLong("SELECT COUNT(*) FROM rooms");
    }

    @OnEveryDatabase
    void createRoomBindsTheAliasAndSetsTheCanonicalAlias(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{\"room_alias_name\":\"lobby\",\"preset\":\"public_chat\"}");

            assertThat(server.get(alias(ALIAS), alice).json().path("room_id").asText()).isEqualTo(roomId);
            assertThat(server.get(room(roomId) + "/state/m.room.canonical_alias/", alice).json().path("alias").asText())
                    .isEqualTo(ALIAS);

            Reply taken = server.post(V3 + "/createRoom", "{\"room_alias_name\":\"lobby\"}", alice);
            assertThat(taken.status()).isEqualTo(400);
            assertThat(taken.errcode()).isEqualTo("M_ROOM_IN_USE");
            assertThat(rooms(server)).as("the refused room is not stored").isEqualTo(1);
        }
    }

    @OnEveryDatabase
    void createRoomRefusesBadAliasNamesAndStoresNothing(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            for (String body : List.of("{\"room_alias_name\":\"#lobby:example.org\"}", "{\"room_alias_name\":\"a b\"}",
                    "{\"room_alias_name\":\"\"}", "{\"room_alias_name\":\"" + "a".repeat(250) + "\"}")) {
                Reply refused = server.post(V3 + "/createRoom", body, alice);
                assertThat(refused.status()).as(body).isEqualTo(400);
                assertThat(refused.errcode()).as(body).isEqualTo("M_INVALID_PARAM");
            }
            assertThat(server.post(V3 + "/createRoom", "{\"room_alias_name\":5}", alice).errcode()).isEqualTo("M_BAD_JSON");
            Reply otherAlias = server.post(V3 + "/createRoom", """
                    {"initial_state":[{"type":"m.room.canonical_alias","content":{"alias":"#else:example.org"}}]}""",
                    alice);
            assertThat(otherAlias.errcode()).as("an initial canonical alias that is not the room's").isEqualTo("M_BAD_ALIAS");
            assertThat(rooms(server)).isZero();
            assertThat(aliasRows(server)).isZero();
        }
    }

    @OnEveryDatabase
    void joinByAliasResolvesLocalAliases(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"room_alias_name\":\"lobby\",\"preset\":\"public_chat\"}");

            Reply joined = server.post(V3 + "/join/" + path(ALIAS), "{}", bob);
            assertThat(joined.status()).as(joined.json().toString()).isEqualTo(200);
            assertThat(joined.json().path("room_id").asText()).isEqualTo(roomId);
            assertThat(server.get(room(roomId) + "/joined_members", bob).json().path("joined").has("@bob:example.org"))
                    .isTrue();

            Reply unknown = server.post(V3 + "/join/" + path("#nowhere:example.org"), "{}", bob);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.errcode()).isEqualTo("M_NOT_FOUND");
            assertThat(server.post(V3 + "/join/" + path("#lobby:other.org"), "{}", bob).errcode())
                    .as("remote aliases wait for federation").isEqualTo("M_NOT_FOUND");
            assertThat(server.post(V3 + "/join/" + path("#broken"), "{}", bob).errcode()).isEqualTo("M_INVALID_PARAM");
        }
    }

    @OnEveryDatabase
    void aCanonicalAliasEventMustNameAliasesOfTheRoom(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{}");
            String other = createRoom(server, alice, "{}");
            assertThat(bind(server, alice, ALIAS, roomId).status()).isEqualTo(200);
            assertThat(bind(server, alice, "#other:example.org", other).status()).isEqualTo(200);
            String path = room(roomId) + "/state/m.room.canonical_alias/";
            long events = server.queryLong("SELECT COUNT(*) FROM events");

            for (String content : List.of("{\"alias\":\"#nowhere:example.org\"}", "{\"alias\":\"#other:example.org\"}",
                    "{\"alias\":\"#lobby:example.org\",\"alt_aliases\":[\"#other:example.org\"]}",
                    "{\"alt_aliases\":[\"#remote:other.org\"]}")) {
                Reply refused = server.put(path, content, alice);
                assertThat(refused.status()).as(content).isEqualTo(400);
                assertThat(refused.errcode()).as(content).isEqualTo("M_BAD_ALIAS");
            }
            for (String content : List.of("{\"alias\":\"lobby\"}", "{\"alias\":5}", "{\"alt_aliases\":\"#lobby:example.org\"}",
                    "{\"alt_aliases\":[7]}")) {
                Reply refused = server.put(path, content, alice);
                assertThat(refused.status()).as(content).isEqualTo(400);
                assertThat(refused.errcode()).as(content).isEqualTo("M_INVALID_PARAM");
            }
            assertThat(server.queryLong("SELECT COUNT(*) FROM events")).as("nothing was sent").isEqualTo(events);

            assertThat(server.put(path, "{\"alias\":\"#lobby:example.org\",\"alt_aliases\":[\"#lobby:example.org\"]}",
                    alice).status()).isEqualTo(200);
            // Aliases already in the event are not checked again (spec), so deleting one does not block edits.
            assertThat(server.put(path, "{}", alice).status()).as("removing every alias").isEqualTo(200);
        }
    }
}
