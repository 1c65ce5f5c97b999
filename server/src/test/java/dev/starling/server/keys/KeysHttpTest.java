package dev.starling.server.keys;

import static dev.starling.server.keys.KeysClient.V3;
import static dev.starling.server.keys.KeysClient.deviceKeys;
import static dev.starling.server.keys.KeysClient.query;
import static dev.starling.server.keys.KeysClient.register;
import static dev.starling.server.keys.KeysClient.signedKey;
import static dev.starling.server.keys.KeysClient.uploadAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.keys.KeysClient.User;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/** POST /keys/upload, /keys/query, /keys/claim through the real homeserver, on every database. */
class KeysHttpTest {
    static Reply claim(TestHomeServer server, User claimer, User owner) {
        return server.post(V3 + "/keys/claim", "{\"one_time_keys\":{\"" + owner.userId() + "\":{\""
                + owner.deviceId() + "\":\"signed_curve25519\"}}}", claimer.token());
    }

    static JsonNode claimedKeys(Reply reply, User owner) {
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().path("one_time_keys").path(owner.userId()).path(owner.deviceId());
    }

    @OnEveryDatabase
    void uploadedKeysAreQueriedWithTheDeviceNameAndClaimedOnceEach(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User bob = register(server, "bob");
            JsonNode uploaded = uploadAll(server, alice, 2);
            assertThat(uploaded.path("one_time_key_counts").path("signed_curve25519").asInt()).isEqualTo(2);

            Reply queried = query(server, bob, alice.userId());
            assertThat(queried.status()).isEqualTo(200);
            JsonNode device = queried.json().path("device_keys").path(alice.userId()).path(alice.deviceId());
            assertThat(device.path("keys")).isEqualTo(deviceKeys(alice).get("keys"));
            assertThat(device.path("signatures")).isEqualTo(deviceKeys(alice).get("signatures"));
            assertThat(device.path("unsigned").has("device_display_name")).isFalse();
            assertThat(queried.json().path("failures").isObject()).isTrue();

            JsonNode first = claimedKeys(claim(server, bob, alice), alice);
            JsonNode second = claimedKeys(claim(server, bob, alice), alice);
            assertThat(first.size()).isEqualTo(1);
            assertThat(second.size()).isEqualTo(1);
            assertThat(first.fieldNames().next()).isNotEqualTo(second.fieldNames().next());
            assertThat(claimedKeys(claim(server, bob, alice), alice).isMissingNode()).isTrue();
            assertThat(server.queryLong("SELECT COUNT(*) FROM one_time_keys")).isZero();
        }
    }

    @OnEveryDatabase
    void whenNoOneTimeKeyIsLeftTheFallbackKeyIsGivenAndMarkedUsed(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User bob = register(server, "bob");
            uploadAll(server, alice, 1);
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.putObject("fallback_keys").set("signed_curve25519:FB1", signedKey(alice, "fallback", true));
            assertThat(server.post(V3 + "/keys/upload", body.toString(), alice.token()).status()).isEqualTo(200);
            JsonNode sync = KeysClient.sync(server, alice, null).json();
            assertThat(sync.path("device_unused_fallback_key_types")).hasSize(1);
            assertThat(sync.path("device_unused_fallback_key_types").get(0).asText()).isEqualTo("signed_curve25519");
            assertThat(sync.path("device_one_time_keys_count").path("signed_curve25519").asInt()).isEqualTo(1);

            assertThat(claimedKeys(claim(server, bob, alice), alice).has("signed_curve25519:AAAA0")).isTrue();
            JsonNode fallback = claimedKeys(claim(server, bob, alice), alice);
            assertThat(fallback.path("signed_curve25519:FB1").path("key").asText()).isEqualTo("fallback");
            assertThat(fallback.path("signed_curve25519:FB1").path("fallback").asBoolean()).isTrue();
            // A used fallback key is still given out until replaced.
            assertThat(claimedKeys(claim(server, bob, alice), alice).has("signed_curve25519:FB1")).isTrue();
            JsonNode after = KeysClient.sync(server, alice, null).json();
            assertThat(after.path("device_unused_fallback_key_types")).isEmpty();
            assertThat(after.path("device_one_time_keys_count").path("signed_curve25519").asInt()).isZero();
        }
    }

    @OnEveryDatabase
    void theSameUploadTwiceIsAcceptedButChangingADevicesIdentityKeysIsRefused(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            uploadAll(server, alice, 1);
            uploadAll(server, alice, 1); // the same keys again: idempotent
            User impostor = new User(alice.token(), alice.userId(), alice.deviceId(),
                    dev.starling.protocol.crypto.SigningKey.generate(
                            dev.starling.protocol.id.KeyId.ed25519(alice.deviceId())));
            Reply changed = server.post(V3 + "/keys/upload", "{\"device_keys\":" + deviceKeys(impostor) + "}",
                    alice.token());
            assertThat(changed.status()).isEqualTo(400);
            assertThat(changed.errcode()).isEqualTo("M_INVALID_PARAM");
            Reply queried = query(server, alice, alice.userId());
            assertThat(queried.json().path("device_keys").path(alice.userId()).path(alice.deviceId()).path("keys"))
                    .isEqualTo(deviceKeys(alice).get("keys"));
            Reply sameIdOtherKey = server.post(V3 + "/keys/upload", "{\"one_time_keys\":{\"signed_curve25519:AAAA0\":"
                    + signedKey(alice, "different", false) + "}}", alice.token());
            assertThat(sameIdOtherKey.status()).isEqualTo(400);
            assertThat(sameIdOtherKey.errcode()).isEqualTo("M_INVALID_PARAM");
        }
    }

    @OnEveryDatabase
    void badUploadsAreRefusedAndStoreNothing(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User bob = register(server, "bob");
            ObjectNode badSignature = deviceKeys(alice);
            ((ObjectNode) badSignature.get("keys")).put("curve25519:" + alice.deviceId(), "tampered");
            ObjectNode unsigned = deviceKeys(alice);
            unsigned.remove("signatures");
            ObjectNode noAlgorithms = deviceKeys(alice);
            noAlgorithms.put("algorithms", "m.megolm.v1.aes-sha2");
            // SECURITY.md item 9: the identity point as public key with the trivial signature (R = identity,
            // S = 0) verifies under a lax Ed25519 verifier; it must be refused.
            ObjectNode weak = deviceKeys(alice);
            byte[] identity = new byte[32];
            identity[0] = 1;
            ((ObjectNode) weak.get("keys")).put("ed25519:" + alice.deviceId(),
                    dev.starling.protocol.crypto.Base64s.encode(identity));
            byte[] trivial = new byte[64];
            trivial[0] = 1;
            ((ObjectNode) weak.get("signatures").get(alice.userId())).put("ed25519:" + alice.deviceId(),
                    dev.starling.protocol.crypto.Base64s.encode(trivial));
            String[][] cases = {
                    {"{\"device_keys\":" + weak + "}", "M_INVALID_PARAM"},
                    {"{\"device_keys\":" + deviceKeys(bob) + "}", "M_INVALID_PARAM"}, // another user's keys
                    {"{\"device_keys\":" + badSignature + "}", "M_INVALID_PARAM"},
                    {"{\"device_keys\":" + unsigned + "}", "M_INVALID_PARAM"},
                    {"{\"device_keys\":" + noAlgorithms + "}", "M_BAD_JSON"},
                    {"{\"device_keys\":\"keys\"}", "M_BAD_JSON"},
                    {"{\"one_time_keys\":[]}", "M_BAD_JSON"},
                    {"{\"one_time_keys\":{\"nocolon\":\"k\"}}", "M_INVALID_PARAM"},
                    {"{\"device_keys\":" + deviceKeys(alice) + ",\"one_time_keys\":{\"signed_curve25519:A\":"
                            + signedKey(bob, "k", false) + "}}", "M_INVALID_PARAM"}, // OTK signed by another device
                    {"{\"one_time_keys\":{\"signed_curve25519:A\":\"unsigned\"}}", "M_INVALID_PARAM"},
                    {"{\"fallback_keys\":{\"signed_curve25519:A\":{\"key\":5}}}", "M_BAD_JSON"},
            };
            for (String[] c : cases) {
                Reply reply = server.post(V3 + "/keys/upload", c[0], alice.token());
                assertThat(reply.status()).as(c[0]).isEqualTo(400);
                assertThat(reply.errcode()).as(c[0]).isEqualTo(c[1]);
            }
            assertThat(server.queryLong("SELECT COUNT(*) FROM device_keys")).isZero();
            assertThat(server.queryLong("SELECT COUNT(*) FROM one_time_keys")).isZero();
            assertThat(server.queryLong("SELECT COUNT(*) FROM fallback_keys")).isZero();
            assertThat(server.queryLong("SELECT COUNT(*) FROM device_list_changes")).isZero();
        }
    }

    @OnEveryDatabase
    void badQueriesAndClaimsAreRefused(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            String[][] queries = {
                    {"{}", "M_BAD_JSON"},
                    {"{\"device_keys\":[]}", "M_BAD_JSON"},
                    {"{\"device_keys\":{\"@bob:example.org\":\"DEV\"}}", "M_BAD_JSON"},
                    {"{\"device_keys\":{\"not a user\":[]}}", "M_INVALID_PARAM"},
            };
            for (String[] c : queries) {
                Reply reply = server.post(V3 + "/keys/query", c[0], alice.token());
                assertThat(reply.status()).as(c[0]).isEqualTo(400);
                assertThat(reply.errcode()).as(c[0]).isEqualTo(c[1]);
            }
            String[][] claims = {
                    {"{}", "M_BAD_JSON"},
                    {"{\"one_time_keys\":{\"@bob:example.org\":{\"DEV\":5}}}", "M_BAD_JSON"},
                    {"{\"one_time_keys\":{\"bob\":{}}}", "M_INVALID_PARAM"},
            };
            for (String[] c : claims) {
                Reply reply = server.post(V3 + "/keys/claim", c[0], alice.token());
                assertThat(reply.status()).as(c[0]).isEqualTo(400);
                assertThat(reply.errcode()).as(c[0]).isEqualTo(c[1]);
            }
            Reply remote = server.post(V3 + "/keys/query", "{\"device_keys\":{\"@x:elsewhere.org\":[]}}", alice.token());
            assertThat(remote.status()).isEqualTo(200);
            assertThat(remote.json().path("failures").has("elsewhere.org")).isTrue();
            assertThat(server.post(V3 + "/keys/query", "{\"device_keys\":{}}", null).status()).isEqualTo(401);
        }
    }
}
