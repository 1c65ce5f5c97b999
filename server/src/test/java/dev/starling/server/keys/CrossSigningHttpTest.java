package dev.starling.server.keys;

import static dev.starling.server.keys.KeysClient.V3;
import static dev.starling.server.keys.KeysClient.crossSigningKey;
import static dev.starling.server.keys.KeysClient.crossSigningSigningKey;
import static dev.starling.server.keys.KeysClient.deviceKeys;
import static dev.starling.server.keys.KeysClient.query;
import static dev.starling.server.keys.KeysClient.register;
import static dev.starling.server.keys.KeysClient.uploadAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.keys.KeysClient.User;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/** POST /keys/device_signing/upload and /keys/signatures/upload through the real homeserver, on every database. */
class CrossSigningHttpTest {
    /** A user's three cross-signing keys. */
    record Keys(SigningKey master, SigningKey selfSigning, SigningKey userSigning) {
        static Keys generate() {
            return new Keys(crossSigningSigningKey(), crossSigningSigningKey(), crossSigningSigningKey());
        }

        String body(User user, String auth) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.set("master_key", crossSigningKey(user, master, "master", null));
            body.set("self_signing_key", crossSigningKey(user, selfSigning, "self_signing", master));
            body.set("user_signing_key", crossSigningKey(user, userSigning, "user_signing", master));
            return auth == null ? body.toString() : body.put("_auth", 0).toString().replace("\"_auth\":0", auth);
        }
    }

    static Reply uploadKeys(TestHomeServer server, User user, Keys keys, String auth) {
        return server.post(V3 + "/keys/device_signing/upload", keys.body(user, auth), user.token());
    }

    @OnEveryDatabase
    void firstUploadNeedsNoPasswordReplacingDoesAndOnlyTheOwnerSeesTheUserSigningKey(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User bob = register(server, "bob");
            Keys keys = Keys.generate();
            assertThat(uploadKeys(server, alice, keys, null).status()).isEqualTo(200);
            assertThat(uploadKeys(server, alice, keys, null).status()).as("the same keys again").isEqualTo(200);

            JsonNode own = query(server, alice, alice.userId()).json();
            assertThat(own.path("master_keys").path(alice.userId()).path("keys").fieldNames().next())
                    .isEqualTo(keys.master().keyId().toString());
            assertThat(own.path("self_signing_keys").has(alice.userId())).isTrue();
            assertThat(own.path("user_signing_keys").has(alice.userId())).isTrue();
            JsonNode other = query(server, bob, alice.userId()).json();
            assertThat(other.path("master_keys").has(alice.userId())).isTrue();
            assertThat(other.path("self_signing_keys").has(alice.userId())).isTrue();
            assertThat(other.path("user_signing_keys").has(alice.userId())).isFalse();

            Keys replacement = Keys.generate();
            Reply challenge = uploadKeys(server, alice, replacement, null);
            assertThat(challenge.status()).isEqualTo(401);
            assertThat(challenge.json().path("flows").get(0).path("stages").get(0).asText()).isEqualTo("m.login.password");
            String session = challenge.json().path("session").asText();
            assertThat(session).isNotEmpty();
            Reply wrong = uploadKeys(server, alice, replacement, "\"auth\":{\"type\":\"m.login.password\",\"session\":\""
                    + session + "\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"},\"password\":\"nope\"}");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.errcode()).isEqualTo("M_FORBIDDEN");
            Reply otherUser = uploadKeys(server, alice, replacement, "\"auth\":{\"type\":\"m.login.password\","
                    + "\"identifier\":{\"type\":\"m.id.user\",\"user\":\"bob\"},\"password\":\"pw\"}");
            assertThat(otherUser.status()).as("bob's password does not authorise alice").isEqualTo(401);
            assertThat(query(server, alice, alice.userId()).json().path("master_keys").path(alice.userId())
                    .path("keys").fieldNames().next()).isEqualTo(keys.master().keyId().toString());

            Reply right = uploadKeys(server, alice, replacement, "\"auth\":{\"type\":\"m.login.password\",\"session\":\""
                    + session + "\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"},\"password\":\"pw\"}");
            assertThat(right.status()).as(right.json().toString()).isEqualTo(200);
            assertThat(query(server, alice, alice.userId()).json().path("master_keys").path(alice.userId())
                    .path("keys").fieldNames().next()).isEqualTo(replacement.master().keyId().toString());
        }
    }

    @OnEveryDatabase
    void badCrossSigningKeysAreRefusedAndNothingIsStored(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User bob = register(server, "bob");
            Keys keys = Keys.generate();
            SigningKey stranger = crossSigningSigningKey();
            ObjectNode wrongUsage = crossSigningKey(alice, keys.master(), "self_signing", null);
            ObjectNode otherUser = crossSigningKey(bob, keys.master(), "master", null);
            ObjectNode unsignedSelf = crossSigningKey(alice, keys.selfSigning(), "self_signing", null);
            ObjectNode signedByStranger = crossSigningKey(alice, keys.selfSigning(), "self_signing", stranger);
            ObjectNode master = crossSigningKey(alice, keys.master(), "master", null);
            ObjectNode mismatchedId = master.deepCopy();
            ((ObjectNode) mismatchedId.get("keys")).removeAll().put(keys.master().keyId().toString(),
                    stranger.verifyKey().publicKeyBase64());
            String[][] cases = {
                    {"{\"master_key\":" + wrongUsage + "}", "M_INVALID_PARAM"},
                    {"{\"master_key\":" + otherUser + "}", "M_INVALID_PARAM"},
                    {"{\"master_key\":" + mismatchedId + "}", "M_INVALID_PARAM"},
                    {"{\"master_key\":" + master + ",\"self_signing_key\":" + unsignedSelf + "}", "M_INVALID_PARAM"},
                    {"{\"master_key\":" + master + ",\"self_signing_key\":" + signedByStranger + "}", "M_INVALID_PARAM"},
                    {"{\"self_signing_key\":" + crossSigningKey(alice, keys.selfSigning(), "self_signing", keys.master())
                            + "}", "M_INVALID_PARAM"}, // no master key yet
                    {"{\"master_key\":\"key\"}", "M_BAD_JSON"},
                    {"{\"master_key\":{\"user_id\":\"" + alice.userId() + "\",\"usage\":\"master\",\"keys\":{}}}",
                            "M_BAD_JSON"},
            };
            for (String[] c : cases) {
                Reply reply = server.post(V3 + "/keys/device_signing/upload", c[0], alice.token());
                assertThat(reply.status()).as(c[0]).isEqualTo(400);
                assertThat(reply.errcode()).as(c[0]).isEqualTo(c[1]);
            }
            assertThat(server.queryLong("SELECT COUNT(*) FROM cross_signing_keys")).isZero();
        }
    }

    @OnEveryDatabase
    void signaturesOfOwnDevicesOwnMasterAndOthersMastersAreCheckedAndServed(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User bob = register(server, "bob");
            uploadAll(server, alice, 0);
            Keys aliceKeys = Keys.generate();
            Keys bobKeys = Keys.generate();
            assertThat(uploadKeys(server, alice, aliceKeys, null).status()).isEqualTo(200);
            assertThat(uploadKeys(server, bob, bobKeys, null).status()).isEqualTo(200);

            ObjectNode device = JsonSignatures.sign(deviceKeys(alice), alice.userId(), aliceKeys.selfSigning());
            ObjectNode ownMaster = JsonSignatures.sign(crossSigningKey(alice, aliceKeys.master(), "master", null),
                    alice.userId(), alice.deviceKey());
            ObjectNode bobMaster = JsonSignatures.sign(crossSigningKey(bob, bobKeys.master(), "master", null),
                    alice.userId(), aliceKeys.userSigning());
            ObjectNode forged = JsonSignatures.sign(crossSigningKey(bob, bobKeys.master(), "master", null),
                    alice.userId(), crossSigningSigningKey());
            String masterId = aliceKeys.master().verifyKey().publicKeyBase64();
            String bobMasterId = bobKeys.master().verifyKey().publicKeyBase64();
            Reply signed = server.post(V3 + "/keys/signatures/upload", "{\"" + alice.userId() + "\":{\""
                    + alice.deviceId() + "\":" + device + ",\"" + masterId + "\":" + ownMaster + "},\""
                    + bob.userId() + "\":{\"" + bobMasterId + "\":" + bobMaster + "}}", alice.token());
            assertThat(signed.status()).isEqualTo(200);
            assertThat(signed.json().path("failures").isEmpty()).as(signed.json().toString()).isTrue();

            JsonNode seenByBob = query(server, bob, alice.userId(), bob.userId()).json();
            JsonNode deviceSignatures = seenByBob.path("device_keys").path(alice.userId()).path(alice.deviceId())
                    .path("signatures").path(alice.userId());
            assertThat(deviceSignatures.has(aliceKeys.selfSigning().keyId().toString())).isTrue();
            assertThat(deviceSignatures.has(alice.deviceKey().keyId().toString())).isTrue();
            assertThat(seenByBob.path("master_keys").path(alice.userId()).path("signatures").path(alice.userId())
                    .has(alice.deviceKey().keyId().toString())).isTrue();
            JsonNode seenByAlice = query(server, alice, bob.userId()).json();
            assertThat(seenByAlice.path("master_keys").path(bob.userId()).path("signatures").path(alice.userId())
                    .has(aliceKeys.userSigning().keyId().toString())).isTrue();

            Reply bad = server.post(V3 + "/keys/signatures/upload", "{\"" + bob.userId() + "\":{\"" + bobMasterId
                    + "\":" + forged + ",\"UNKNOWN\":{}}}", alice.token());
            assertThat(bad.status()).isEqualTo(200);
            assertThat(bad.json().path("failures").path(bob.userId()).path(bobMasterId).path("errcode").asText())
                    .isEqualTo("M_INVALID_SIGNATURE");
            assertThat(bad.json().path("failures").path(bob.userId()).path("UNKNOWN").path("errcode").asText())
                    .isEqualTo("M_NOT_FOUND");
            ObjectNode tampered = device.deepCopy();
            ((ObjectNode) tampered.get("keys")).put("curve25519:" + alice.deviceId(), "other");
            Reply notTheKey = server.post(V3 + "/keys/signatures/upload", "{\"" + alice.userId() + "\":{\""
                    + alice.deviceId() + "\":" + tampered + "}}", alice.token());
            assertThat(notTheKey.json().path("failures").path(alice.userId()).path(alice.deviceId()).path("errcode")
                    .asText()).isEqualTo("M_INVALID_PARAM");
            assertThat(server.queryLong("SELECT COUNT(*) FROM key_signatures")).isEqualTo(3);
            Reply wrongType = server.post(V3 + "/keys/signatures/upload", "{\"" + bob.userId() + "\":[]}", alice.token());
            assertThat(wrongType.status()).isEqualTo(400);
            assertThat(wrongType.errcode()).isEqualTo("M_BAD_JSON");
        }
    }
}
