package dev.starling.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;

/** Shared steps of the E2EE HTTP tests: a user with a device and its ed25519 key, signed key JSON. */
public final class KeysClient {
    public static final String V3 = "/_matrix/client/v3";
    public static final String PASSWORD = "pw";

    private KeysClient() {}

    /** A registered user's device: its access token, IDs and its device signing key. */
    public record User(String token, String userId, String deviceId, SigningKey deviceKey) {}

    public static User register(TestHomeServer server, String name) {
        Reply done = server.register(name, PASSWORD);
        assertThat(done.status()).as(done.json().toString()).isEqualTo(200);
        String deviceId = done.json().path("device_id").asText();
        return new User(done.json().path("access_token").asText(), done.json().path("user_id").asText(), deviceId,
                SigningKey.generate(KeyId.ed25519(deviceId)));
    }

    /** Logs the user in on a new device. */
    public static User login(TestHomeServer server, String name) {
        Reply done = server.post(V3 + "/login", "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                + "\"user\":\"" + name + "\"},\"password\":\"" + PASSWORD + "\"}", null);
        assertThat(done.status()).as(done.json().toString()).isEqualTo(200);
        String deviceId = done.json().path("device_id").asText();
        return new User(done.json().path("access_token").asText(), done.json().path("user_id").asText(), deviceId,
                SigningKey.generate(KeyId.ed25519(deviceId)));
    }

    /** The device's keys, self-signed, as POST /keys/upload takes them. */
    public static ObjectNode deviceKeys(User user) {
        ObjectNode keys = JsonNodeFactory.instance.objectNode();
        keys.put("user_id", user.userId());
        keys.put("device_id", user.deviceId());
        keys.putArray("algorithms").add("m.olm.v1.curve25519-aes-sha2").add("m.megolm.v1.aes-sha2");
        keys.putObject("keys").put("curve25519:" + user.deviceId(), "curve" + user.deviceId())
                .put("ed25519:" + user.deviceId(), user.deviceKey().verifyKey().publicKeyBase64());
        return JsonSignatures.sign(keys, user.userId(), user.deviceKey());
    }

    /** A signed_curve25519 key signed by the device. */
    public static ObjectNode signedKey(User user, String key, boolean fallback) {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("key", key);
        if (fallback) {
            json.put("fallback", true);
        }
        return JsonSignatures.sign(json, user.userId(), user.deviceKey());
    }

    /** Uploads the device keys and {@code count} one-time keys ({@code AAAA0...}); asserts 200. */
    public static JsonNode uploadAll(TestHomeServer server, User user, int count) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("device_keys", deviceKeys(user));
        ObjectNode otks = body.putObject("one_time_keys");
        for (int i = 0; i < count; i++) {
            otks.set("signed_curve25519:AAAA" + i, signedKey(user, "otk" + i + user.deviceId(), false));
        }
        Reply reply = server.post(V3 + "/keys/upload", body.toString(), user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json();
    }

    public static Reply query(TestHomeServer server, User user, String... users) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode wanted = body.putObject("device_keys");
        for (String u : users) {
            wanted.putArray(u);
        }
        return server.post(V3 + "/keys/query", body.toString(), user.token());
    }

    public static Reply sync(TestHomeServer server, User user, String since) {
        Reply reply = server.get(V3 + "/sync" + (since == null ? "" : "?since=" + since), user.token());
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply;
    }

    /** A new cross-signing key of {@code usage}, signed by {@code signer} when given. */
    public static ObjectNode crossSigningKey(User user, SigningKey key, String usage, SigningKey signer) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("user_id", user.userId());
        json.putArray("usage").add(usage);
        json.putObject("keys").put(key.keyId().toString(), key.verifyKey().publicKeyBase64());
        return signer == null ? json : JsonSignatures.sign(json, user.userId(), signer);
    }

    /** A fresh ed25519 key whose key ID is {@code ed25519:<public key>}, as cross-signing keys are named. */
    public static SigningKey crossSigningSigningKey() {
        SigningKey temp = SigningKey.generate(KeyId.ed25519("x"));
        return SigningKey.fromSeedBase64(KeyId.ed25519(temp.verifyKey().publicKeyBase64()), temp.seedBase64());
    }
}
