package dev.starling.server.aliases;

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

/** Room aliases: PUT/GET/DELETE /directory/room/{alias} and GET /rooms/{roomId}/aliases, on every database. */
class AliasesHttpTest {
    static final String ALIAS = "#lobby:example.org";

    static String alias(String alias) {
        return V3 + "/directory/room/" + path(alias);
    }

    static Reply bind(TestHomeServer server, String token, String alias, String roomId) {
        return server.put(alias(alias), "{\"room_id\":\"" + roomId + "\"}", token);
    }

    static long aliasRows(TestHomeServer server) {
        return server.queryLong("SELECT COUNT(*) FROM room_aliases");
    }

    @OnEveryDatabase
    void aMemberBindsAnAliasAnyoneResolvesItAndTheCreatorDeletesIt(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{}");

            Reply created = bind(server, alice, ALIAS, roomId);
            assertThat(created.status()).as(created.json().toString()).isEqualTo(200);
            Reply resolved = server.get(alias(ALIAS), null);
            assertThat(resolved.status()).as("resolving needs no token").isEqualTo(200);
            assertThat(resolved.json().path("room_id").asText()).isEqualTo(roomId);
            assertThat(resolved.json().path("servers").get(0).asText()).isEqualTo("example.org");
            assertThat(server.get(room(roomId) + "/aliases", alice).json().path("aliases").get(0).asText())
                    .isEqualTo(ALIAS);

            assertThat(server.send("DELETE", alias(ALIAS), null, alice).status()).isEqualTo(200);
            Reply gone = server.get(alias(ALIAS), alice);
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.errcode()).isEqualTo("M_NOT_FOUND");
            assertThat(server.send("DELETE", alias(ALIAS), null, alice).errcode()).isEqualTo("M_NOT_FOUND");
            assertThat(server.get(room(roomId) + "/aliases", alice).json().path("aliases")).isEmpty();
        }
    }

    @OnEveryDatabase
    void aDuplicateAliasIs409AndKeepsTheFirstBinding(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String first = createRoom(server, alice, "{}");
            String second = createRoom(server, alice, "{}");
            assertThat(bind(server, alice, ALIAS, first).status()).isEqualTo(200);

            Reply duplicate = bind(server, alice, ALIAS, second);
            assertThat(duplicate.status()).isEqualTo(409);
            assertThat(duplicate.errcode()).isEqualTo("M_UNKNOWN");
            assertThat(server.get(alias(ALIAS), alice).json().path("room_id").asText()).isEqualTo(first);
            assertThat(aliasRows(server)).isEqualTo(1);
        }
    }

    @OnEveryDatabase
    void badAliasesAndBodiesAreRefusedAndNothingIsStored(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{}");

            assertThat(bind(server, alice, "lobby", roomId).errcode()).as("no sigil").isEqualTo("M_INVALID_PARAM");
            assertThat(bind(server, alice, "#lobby", roomId).errcode()).as("no server").isEqualTo("M_INVALID_PARAM");
            assertThat(bind(server, alice, "#" + "a".repeat(260) + ":example.org", roomId).errcode())
                    .as("longer than 255 bytes").isEqualTo("M_INVALID_PARAM");
            Reply remote = bind(server, alice, "#lobby:other.org", roomId);
            assertThat(remote.status()).as("another server's alias").isEqualTo(400);
            assertThat(remote.errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(server.put(alias(ALIAS), "{}", alice).errcode()).isEqualTo("M_MISSING_PARAM");
            assertThat(server.put(alias(ALIAS), "{\"room_id\":7}", alice).errcode()).isEqualTo("M_BAD_JSON");
            assertThat(server.put(alias(ALIAS), "{\"room_id\":\"nope\"}", alice).errcode()).isEqualTo("M_INVALID_PARAM");
            Reply notMember = bind(server, bob, ALIAS, roomId);
            assertThat(notMember.status()).as("a non-member").isEqualTo(403);
            assertThat(bind(server, alice, ALIAS, "!unknown:example.org").status()).as("an unknown room").isEqualTo(403);
            assertThat(server.put(alias(ALIAS), "{\"room_id\":\"" + roomId + "\"}", null).status()).isEqualTo(401);
            assertThat(aliasRows(server)).isZero();

            assertThat(server.get(alias("#nowhere:example.org"), alice).status()).isEqualTo(404);
            assertThat(server.get(alias("#lobby:other.org"), alice).errcode()).as("remote, no federation yet")
                    .isEqualTo("M_NOT_FOUND");
            assertThat(server.get(alias("nosigil"), alice).errcode()).isEqualTo("M_INVALID_PARAM");
        }
    }

    @OnEveryDatabase
    void onlyTheCreatorOrARoomAdminMayDeleteAnAlias(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String carol = register(server, "carol");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(server.post(V3 + "/join/" + path(roomId), "{}", bob).status()).isEqualTo(200);
            assertThat(server.post(V3 + "/join/" + path(roomId), "{}", carol).status()).isEqualTo(200);
            assertThat(bind(server, bob, "#bobs:example.org", roomId).status()).isEqualTo(200);
            assertThat(bind(server, alice, ALIAS, roomId).status()).isEqualTo(200);

            Reply refused = server.send("DELETE", alias(ALIAS), null, carol);
            assertThat(refused.status()).as("a member without power").isEqualTo(403);
            assertThat(refused.errcode()).isEqualTo("M_FORBIDDEN");
            assertThat(server.send("DELETE", alias(ALIAS), null, bob).status()).as("nor bob").isEqualTo(403);
            assertThat(aliasRows(server)).isEqualTo(2);

            assertThat(server.send("DELETE", alias("#bobs:example.org"), null, bob).status()).as("its creator")
                    .isEqualTo(200);
            assertThat(bind(server, bob, "#bobs:example.org", roomId).status()).isEqualTo(200);
            assertThat(server.send("DELETE", alias("#bobs:example.org"), null, alice).status()).as("a room admin")
                    .isEqualTo(200);
            assertThat(server.send("DELETE", alias("#x:other.org"), null, alice).errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(aliasRows(server)).isEqualTo(1);
        }
    }

    @OnEveryDatabase
    void aRoomsAliasListNeedsMembershipUnlessWorldReadable(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"room_alias_name\":\"lobby\"}");

            Reply outsider = server.get(room(roomId) + "/aliases", bob);
            assertThat(outsider.status()).isEqualTo(403);
            assertThat(outsider.errcode()).isEqualTo("M_FORBIDDEN");
            assertThat(server.get(room("!nowhere:example.org") + "/aliases", bob).status()).isEqualTo(403);
            assertThat(server.get(room(roomId) + "/aliases", null).status()).isEqualTo(401);

            assertThat(server.put(room(roomId) + "/state/m.room.history_visibility/",
                    "{\"history_visibility\":\"world_readable\"}", alice).status()).isEqualTo(200);
            Reply readable = server.get(room(roomId) + "/aliases", bob);
            assertThat(readable.status()).isEqualTo(200);
            assertThat(readable.json().path("aliases").get(0).asText()).isEqualTo(ALIAS);
        }
    }

    @OnEveryDatabase
    void deletingTheCanonicalAliasRemovesItFromTheRoomsState(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = createRoom(server, alice, "{\"room_alias_name\":\"lobby\"}");
            assertThat(server.get(room(roomId) + "/state/m.room.canonical_alias/", alice).json().path("alias").asText())
                    .isEqualTo(ALIAS);

            assertThat(server.send("DELETE", alias(ALIAS), null, alice).status()).isEqualTo(200);
            assertThat(server.get(room(roomId) + "/state/m.room.canonical_alias/", alice).json().has("alias"))
                    .isFalse();
        }
    }
}
