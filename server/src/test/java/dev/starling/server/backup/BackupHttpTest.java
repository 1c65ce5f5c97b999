package dev.starling.server.backup;

import static dev.starling.server.keys.KeysClient.V3;
import static dev.starling.server.keys.KeysClient.register;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.keys.KeysClient.User;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/** Server-side key backup (/room_keys/version, /room_keys/keys) through the real homeserver, on every database. */
class BackupHttpTest {
    static final String ROOM = "!room:example.org";
    static final String ROOM_PATH = "%21room%3Aexample.org";
    static final String VERSION_BODY = "{\"algorithm\":\"m.megolm_backup.v1.curve25519-aes-sha2\","
            + "\"auth_data\":{\"public_key\":\"abc\"}}";

    static String key(int firstIndex, int forwarded, boolean verified, String marker) {
        return "{\"first_message_index\":" + firstIndex + ",\"forwarded_count\":" + forwarded + ",\"is_verified\":"
                + verified + ",\"session_data\":{\"ciphertext\":\"" + marker + "\"}}";
    }

    static String createVersion(TestHomeServer server, User user) {
        Reply created = server.post(V3 + "/room_keys/version", VERSION_BODY, user.token());
        assertThat(created.status()).as(created.json().toString()).isEqualTo(200);
        return created.json().path("version").asText();
    }

    static JsonNode putSession(TestHomeServer server, User user, String version, String body) {
        Reply reply = server.put(V3 + "/room_keys/keys/" + ROOM_PATH + "/s1?version=" + version, body, user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json();
    }

    static String storedMarker(TestHomeServer server, User user, String version) {
        Reply reply = server.get(V3 + "/room_keys/keys/" + ROOM_PATH + "/s1?version=" + version, user.token());
        return reply.json().path("session_data").path("ciphertext").asText();
    }

    @OnEveryDatabase
    void withoutABackupEverythingIsNotFound(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            for (Reply reply : List.of(server.get(V3 + "/room_keys/version", alice.token()),
                    server.get(V3 + "/room_keys/version/1", alice.token()),
                    server.get(V3 + "/room_keys/version/notanumber", alice.token()),
                    server.get(V3 + "/room_keys/keys?version=1", alice.token()),
                    server.put(V3 + "/room_keys/keys?version=1", "{\"rooms\":{}}", alice.token()),
                    server.send("DELETE", V3 + "/room_keys/version/1", null, alice.token()))) {
                assertThat(reply.status()).as(reply.json().toString()).isEqualTo(404);
                assertThat(reply.errcode()).isEqualTo("M_NOT_FOUND");
            }
        }
    }

    @OnEveryDatabase
    void versionsAreCreatedReadUpdatedAndDeletedPerUser(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User bob = register(server, "bob");
            assertThat(createVersion(server, alice)).isEqualTo("1");
            assertThat(createVersion(server, alice)).isEqualTo("2");
            JsonNode current = server.get(V3 + "/room_keys/version", alice.token()).json();
            assertThat(current.path("version").asText()).isEqualTo("2");
            assertThat(current.path("algorithm").asText()).isEqualTo("m.megolm_backup.v1.curve25519-aes-sha2");
            assertThat(current.path("auth_data").path("public_key").asText()).isEqualTo("abc");
            assertThat(current.path("count").asInt()).isZero();
            assertThat(current.path("etag").isTextual()).isTrue();
            assertThat(server.get(V3 + "/room_keys/version", bob.token()).status()).isEqualTo(404);
            assertThat(server.get(V3 + "/room_keys/version/1", bob.token()).status()).isEqualTo(404);

            Reply updated = server.put(V3 + "/room_keys/version/2", "{\"algorithm\":\"m.megolm_backup.v1.curve25519-aes-sha2\","
                    + "\"auth_data\":{\"public_key\":\"def\"},\"version\":\"2\"}", alice.token());
            assertThat(updated.status()).isEqualTo(200);
            assertThat(server.get(V3 + "/room_keys/version/2", alice.token()).json().path("auth_data")
                    .path("public_key").asText()).isEqualTo("def");
            Reply otherAlgorithm = server.put(V3 + "/room_keys/version/2", "{\"algorithm\":\"other\",\"auth_data\":{}}",
                    alice.token());
            assertThat(otherAlgorithm.status()).isEqualTo(400);
            assertThat(otherAlgorithm.errcode()).isEqualTo("M_INVALID_PARAM");
            Reply otherVersion = server.put(V3 + "/room_keys/version/2", "{\"algorithm\":\"m.megolm_backup.v1."
                    + "curve25519-aes-sha2\",\"auth_data\":{},\"version\":\"1\"}", alice.token());
            assertThat(otherVersion.status()).isEqualTo(400);

            assertThat(server.send("DELETE", V3 + "/room_keys/version/2", null, alice.token()).status()).isEqualTo(200);
            assertThat(server.get(V3 + "/room_keys/version", alice.token()).json().path("version").asText()).isEqualTo("1");
            assertThat(server.get(V3 + "/room_keys/version/2", alice.token()).status()).isEqualTo(404);
            assertThat(createVersion(server, alice)).as("a deleted version's number is not reused").isEqualTo("3");

            String[][] bad = {
                    {"{\"auth_data\":{}}", "M_MISSING_PARAM"},
                    {"{\"algorithm\":5,\"auth_data\":{}}", "M_BAD_JSON"},
                    {"{\"algorithm\":\"a\",\"auth_data\":[]}", "M_BAD_JSON"},
            };
            for (String[] c : bad) {
                Reply reply = server.post(V3 + "/room_keys/version", c[0], alice.token());
                assertThat(reply.status()).as(c[0]).isEqualTo(400);
                assertThat(reply.errcode()).as(c[0]).isEqualTo(c[1]);
            }
        }
    }

    @OnEveryDatabase
    void keysAreStoredAtEveryDepthWithCountAndEtagAndTheBetterSessionWins(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            String version = createVersion(server, alice);
            JsonNode first = putSession(server, alice, version, key(5, 1, false, "a"));
            assertThat(first.path("count").asInt()).isEqualTo(1);
            String etag = first.path("etag").asText();

            // Worse keys do not replace: higher index, or same index and more forwards, or unverified over verified.
            JsonNode worse = putSession(server, alice, version, key(6, 0, false, "worse"));
            assertThat(worse.path("etag").asText()).isEqualTo(etag);
            putSession(server, alice, version, key(5, 2, false, "worse"));
            assertThat(storedMarker(server, alice, version)).isEqualTo("a");
            JsonNode better = putSession(server, alice, version, key(5, 0, false, "b"));
            assertThat(better.path("etag").asText()).isNotEqualTo(etag);
            assertThat(storedMarker(server, alice, version)).isEqualTo("b");
            putSession(server, alice, version, key(9, 9, true, "verified"));
            assertThat(storedMarker(server, alice, version)).isEqualTo("verified");
            putSession(server, alice, version, key(0, 0, false, "unverified"));
            assertThat(storedMarker(server, alice, version)).isEqualTo("verified");
            putSession(server, alice, version, key(1, 0, true, "lower"));
            assertThat(storedMarker(server, alice, version)).isEqualTo("lower");

            Reply room = server.put(V3 + "/room_keys/keys/" + ROOM_PATH + "?version=" + version,
                    "{\"sessions\":{\"s2\":" + key(0, 0, false, "c") + "}}", alice.token());
            assertThat(room.json().path("count").asInt()).isEqualTo(2);
            Reply all = server.put(V3 + "/room_keys/keys?version=" + version, "{\"rooms\":{\"!other:example.org\":"
                    + "{\"sessions\":{\"s3\":" + key(0, 0, false, "d") + "}}}}", alice.token());
            assertThat(all.json().path("count").asInt()).isEqualTo(3);

            JsonNode everything = server.get(V3 + "/room_keys/keys?version=" + version, alice.token()).json();
            assertThat(everything.path("rooms").path(ROOM).path("sessions").size()).isEqualTo(2);
            assertThat(everything.path("rooms").path("!other:example.org").path("sessions").path("s3")
                    .path("session_data").path("ciphertext").asText()).isEqualTo("d");
            JsonNode oneRoom = server.get(V3 + "/room_keys/keys/" + ROOM_PATH + "?version=" + version, alice.token()).json();
            assertThat(oneRoom.path("sessions").size()).isEqualTo(2);
            assertThat(server.get(V3 + "/room_keys/version", alice.token()).json().path("count").asInt()).isEqualTo(3);

            Reply deletedOne = server.send("DELETE", V3 + "/room_keys/keys/" + ROOM_PATH + "/s1?version=" + version,
                    null, alice.token());
            assertThat(deletedOne.json().path("count").asInt()).isEqualTo(2);
            assertThat(server.get(V3 + "/room_keys/keys/" + ROOM_PATH + "/s1?version=" + version, alice.token())
                    .errcode()).isEqualTo("M_NOT_FOUND");
            Reply deletedRoom = server.send("DELETE", V3 + "/room_keys/keys/" + ROOM_PATH + "?version=" + version,
                    null, alice.token());
            assertThat(deletedRoom.json().path("count").asInt()).isEqualTo(1);
            Reply deletedAll = server.send("DELETE", V3 + "/room_keys/keys?version=" + version, null, alice.token());
            assertThat(deletedAll.json().path("count").asInt()).isZero();
        }
    }

    @OnEveryDatabase
    void uploadsToAnOldVersionOrWithBadDataAreRefusedAndStoreNothing(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            String old = createVersion(server, alice);
            String current = createVersion(server, alice);
            Reply wrong = server.put(V3 + "/room_keys/keys/" + ROOM_PATH + "/s1?version=" + old, key(0, 0, false, "x"),
                    alice.token());
            assertThat(wrong.status()).isEqualTo(403);
            assertThat(wrong.errcode()).isEqualTo("M_WRONG_ROOM_KEYS_VERSION");
            assertThat(wrong.json().path("current_version").asText()).isEqualTo(current);
            Reply unknown = server.put(V3 + "/room_keys/keys/" + ROOM_PATH + "/s1?version=99", key(0, 0, false, "x"),
                    alice.token());
            assertThat(unknown.errcode()).isEqualTo("M_WRONG_ROOM_KEYS_VERSION");
            Reply missing = server.put(V3 + "/room_keys/keys/" + ROOM_PATH + "/s1", key(0, 0, false, "x"), alice.token());
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.errcode()).isEqualTo("M_MISSING_PARAM");
            assertThat(server.get(V3 + "/room_keys/keys?version=99", alice.token()).errcode()).isEqualTo("M_NOT_FOUND");

            String[][] bad = {
                    {"{\"first_message_index\":\"0\",\"forwarded_count\":0,\"is_verified\":false,\"session_data\":{}}",
                            "M_BAD_JSON"},
                    {"{\"first_message_index\":-1,\"forwarded_count\":0,\"is_verified\":false,\"session_data\":{}}",
                            "M_BAD_JSON"},
                    {"{\"first_message_index\":0,\"forwarded_count\":0,\"is_verified\":\"no\",\"session_data\":{}}",
                            "M_BAD_JSON"},
                    {"{\"first_message_index\":0,\"forwarded_count\":0,\"is_verified\":false,\"session_data\":\"x\"}",
                            "M_BAD_JSON"},
                    {"{\"first_message_index\":0,\"forwarded_count\":0,\"is_verified\":false}", "M_MISSING_PARAM"},
            };
            for (String[] c : bad) {
                Reply reply = server.put(V3 + "/room_keys/keys/" + ROOM_PATH + "/s1?version=" + current, c[0],
                        alice.token());
                assertThat(reply.status()).as(c[0]).isEqualTo(400);
                assertThat(reply.errcode()).as(c[0]).isEqualTo(c[1]);
            }
            Reply badRoom = server.put(V3 + "/room_keys/keys/notaroom?version=" + current, "{\"sessions\":{}}",
                    alice.token());
            assertThat(badRoom.status()).isEqualTo(400);
            Reply badShape = server.put(V3 + "/room_keys/keys?version=" + current, "{\"rooms\":[]}", alice.token());
            assertThat(badShape.errcode()).isEqualTo("M_BAD_JSON");
            assertThat(server.queryLong("SELECT COUNT(*) FROM room_key_backup_sessions")).isZero();
        }
    }
}
