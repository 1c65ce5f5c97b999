package dev.starling.server.devices;

import static dev.starling.server.keys.KeysClient.V3;
import static dev.starling.server.keys.KeysClient.query;
import static dev.starling.server.keys.KeysClient.register;
import static dev.starling.server.keys.KeysClient.uploadAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.keys.KeysClient;
import dev.starling.server.keys.KeysClient.User;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;

/** GET/PUT/DELETE /devices and POST /delete_devices through the real homeserver, on every database. */
class DevicesHttpTest {
    static String auth(String session, String password) {
        return "\"auth\":{\"type\":\"m.login.password\"" + (session == null ? "" : ",\"session\":\"" + session + "\"")
                + ",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"},\"password\":\"" + password + "\"}";
    }

    static List<String> deviceIds(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.path("devices").forEach(d -> ids.add(d.path("device_id").asText()));
        return ids;
    }

    @OnEveryDatabase
    void devicesAreListedShownAndRenamedAndOtherUsersDevicesAreNotFoundNorDeleted(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User laptop = KeysClient.login(server, "alice");
            User bob = register(server, "bob");
            Reply list = server.get(V3 + "/devices", alice.token());
            assertThat(list.status()).isEqualTo(200);
            assertThat(deviceIds(list.json())).containsExactlyInAnyOrder(alice.deviceId(), laptop.deviceId());

            Reply renamed = server.put(V3 + "/devices/" + laptop.deviceId(), "{\"display_name\":\"Laptop\"}",
                    alice.token());
            assertThat(renamed.status()).isEqualTo(200);
            Reply shown = server.get(V3 + "/devices/" + laptop.deviceId(), alice.token());
            assertThat(shown.json().path("display_name").asText()).isEqualTo("Laptop");
            assertThat(shown.json().path("device_id").asText()).isEqualTo(laptop.deviceId());
            uploadAll(server, laptop, 0);
            assertThat(query(server, bob, alice.userId()).json().path("device_keys").path(alice.userId())
                    .path(laptop.deviceId()).path("unsigned").path("device_display_name").asText()).isEqualTo("Laptop");

            for (String method : new String[] {"GET", "PUT"}) {
                Reply other = server.send(method, V3 + "/devices/" + bob.deviceId(),
                        method.equals("PUT") ? "{\"display_name\":\"mine\"}" : null, alice.token());
                assertThat(other.status()).as(method).isEqualTo(404);
                assertThat(other.errcode()).isEqualTo("M_NOT_FOUND");
            }
            Reply deleteOther = server.send("DELETE", V3 + "/devices/" + bob.deviceId(), "{\"" + auth(null, "pw")
                    .substring(1), alice.token());
            assertThat(deleteOther.status()).as("spec: 200, as for a device removed before").isEqualTo(200);
            assertThat(server.get(V3 + "/devices/" + bob.deviceId(), bob.token()).status()).isEqualTo(200);
            Reply badName = server.put(V3 + "/devices/" + laptop.deviceId(), "{\"display_name\":5}", alice.token());
            assertThat(badName.status()).isEqualTo(400);
            assertThat(badName.errcode()).isEqualTo("M_BAD_JSON");
            assertThat(server.get(V3 + "/devices/" + laptop.deviceId(), alice.token()).json().path("display_name")
                    .asText()).isEqualTo("Laptop");
        }
    }

    @OnEveryDatabase
    void deletingADeviceNeedsThePasswordAndRemovesItsTokenKeysAndMessages(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User laptop = KeysClient.login(server, "alice");
            User bob = register(server, "bob");
            uploadAll(server, laptop, 3);
            assertThat(server.put(V3 + "/sendToDevice/m.test/t1", "{\"messages\":{\"" + alice.userId() + "\":{\""
                    + laptop.deviceId() + "\":{}}}}", bob.token()).status()).isEqualTo(200);
            String path = V3 + "/devices/" + laptop.deviceId();

            Reply challenge = server.send("DELETE", path, null, alice.token());
            assertThat(challenge.status()).isEqualTo(401);
            assertThat(challenge.json().path("flows").get(0).path("stages").get(0).asText()).isEqualTo("m.login.password");
            String session = challenge.json().path("session").asText();
            Reply wrong = server.send("DELETE", path, "{" + auth(session, "wrong") + "}", alice.token());
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.errcode()).isEqualTo("M_FORBIDDEN");
            assertThat(server.get(V3 + "/account/whoami", laptop.token()).status()).isEqualTo(200);

            Reply deleted = server.send("DELETE", path, "{" + auth(session, "pw") + "}", alice.token());
            assertThat(deleted.status()).as(deleted.json().toString()).isEqualTo(200);
            Reply revoked = server.get(V3 + "/account/whoami", laptop.token());
            assertThat(revoked.status()).isEqualTo(401);
            assertThat(revoked.errcode()).isEqualTo("M_UNKNOWN_TOKEN");
            assertThat(query(server, bob, alice.userId()).json().path("device_keys").path(alice.userId())
                    .has(laptop.deviceId())).isFalse();
            assertThat(server.queryLong("SELECT COUNT(*) FROM one_time_keys")).isZero();
            assertThat(server.queryLong("SELECT COUNT(*) FROM device_keys")).isZero();
            assertThat(server.queryLong("SELECT COUNT(*) FROM to_device_inbox")).isZero();
            assertThat(deviceIds(server.get(V3 + "/devices", alice.token()).json())).containsExactly(alice.deviceId());
        }
    }

    @OnEveryDatabase
    void deleteDevicesDeletesSeveralAndRefusesBadInput(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User second = KeysClient.login(server, "alice");
            User third = KeysClient.login(server, "alice");
            String[][] cases = {
                    {"{}", "M_MISSING_PARAM"},
                    {"{\"devices\":\"" + second.deviceId() + "\"}", "M_BAD_JSON"},
                    {"{\"devices\":[5]}", "M_BAD_JSON"},
            };
            for (String[] c : cases) {
                Reply reply = server.post(V3 + "/delete_devices", c[0], alice.token());
                assertThat(reply.status()).as(c[0]).isEqualTo(400);
                assertThat(reply.errcode()).as(c[0]).isEqualTo(c[1]);
            }
            String body = "{\"devices\":[\"" + second.deviceId() + "\",\"" + third.deviceId() + "\",\"NOSUCH\"],";
            Reply challenge = server.post(V3 + "/delete_devices", body + "\"x\":1}", alice.token());
            assertThat(challenge.status()).isEqualTo(401);
            assertThat(deviceIds(server.get(V3 + "/devices", alice.token()).json())).hasSize(3);
            Reply deleted = server.post(V3 + "/delete_devices", body + auth(null, "pw") + "}", alice.token());
            assertThat(deleted.status()).as(deleted.json().toString()).isEqualTo(200);
            assertThat(deviceIds(server.get(V3 + "/devices", alice.token()).json())).containsExactly(alice.deviceId());
        }
    }
}
