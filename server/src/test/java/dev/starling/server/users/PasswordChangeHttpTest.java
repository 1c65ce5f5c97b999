package dev.starling.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.keys.KeysClient;
import dev.starling.server.keys.KeysClient.User;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/** POST /account/password, and what logging out takes with a device, on every database. */
class PasswordChangeHttpTest {
    private static final String PASSWORD = "/_matrix/client/v3/account/password";
    private static final String WHOAMI = "/_matrix/client/v3/account/whoami";

    private static String auth(String password, String session) {
        return "\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"},"
                + "\"password\":\"" + password + "\"" + (session == null ? "" : ",\"session\":\"" + session + "\"") + "}";
    }

    private static Reply login(TestHomeServer server, String password) {
        return server.post("/_matrix/client/v3/login", "{\"type\":\"m.login.password\",\"identifier\":{\"type\":"
                + "\"m.id.user\",\"user\":\"alice\"},\"password\":\"" + password + "\"}", null);
    }

    @OnEveryDatabase
    void theOldPasswordIsNeededAndOtherDevicesAreLoggedOut(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = KeysClient.register(server, "alice");
            User phone = KeysClient.login(server, "alice");

            Reply challenge = server.post(PASSWORD, "{\"new_password\":\"n3w\"}", alice.token());
            assertThat(challenge.status()).isEqualTo(401);
            assertThat(challenge.json().path("flows").get(0).path("stages").get(0).asText()).isEqualTo("m.login.password");
            String session = challenge.json().path("session").asText();

            Reply wrong = server.post(PASSWORD, "{\"new_password\":\"n3w\"," + auth("wrong", session) + "}", alice.token());
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.errcode()).isEqualTo("M_FORBIDDEN");
            assertThat(login(server, KeysClient.PASSWORD).status()).as("nothing changed").isEqualTo(200);

            Reply done = server.post(PASSWORD, "{\"new_password\":\"n3w\"," + auth(KeysClient.PASSWORD, session) + "}",
                    alice.token());
            assertThat(done.status()).as(done.json().toString()).isEqualTo(200);
            assertThat(login(server, KeysClient.PASSWORD).errcode()).isEqualTo("M_FORBIDDEN");
            assertThat(login(server, "n3w").status()).isEqualTo(200);
            assertThat(server.get(WHOAMI, alice.token()).status()).as("the changing device stays").isEqualTo(200);
            assertThat(server.get(WHOAMI, phone.token()).errcode()).isEqualTo("M_UNKNOWN_TOKEN");
        }
    }

    @OnEveryDatabase
    void logoutDevicesFalseKeepsTheOtherDevices(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = KeysClient.register(server, "alice");
            User phone = KeysClient.login(server, "alice");

            Reply done = server.post(PASSWORD, "{\"new_password\":\"n3w\",\"logout_devices\":false,"
                    + auth(KeysClient.PASSWORD, null) + "}", alice.token());

            assertThat(done.status()).as(done.json().toString()).isEqualTo(200);
            assertThat(server.get(WHOAMI, phone.token()).status()).isEqualTo(200);
        }
    }

    @OnEveryDatabase
    void badBodiesAreRefusedAndChangeNothing(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = KeysClient.register(server, "alice");
            String proof = auth(KeysClient.PASSWORD, null);

            assertThat(server.post(PASSWORD, "{" + proof + "}", alice.token()).errcode()).isEqualTo("M_MISSING_PARAM");
            assertThat(server.post(PASSWORD, "{\"new_password\":5," + proof + "}", alice.token()).errcode())
                    .isEqualTo("M_BAD_JSON");
            assertThat(server.post(PASSWORD, "{\"new_password\":\"\"," + proof + "}", alice.token()).errcode())
                    .isEqualTo("M_WEAK_PASSWORD");
            assertThat(server.post(PASSWORD, "{\"new_password\":\"x\",\"logout_devices\":\"yes\"," + proof + "}",
                    alice.token()).errcode()).isEqualTo("M_BAD_JSON");
            assertThat(server.post(PASSWORD, "{\"new_password\":\"" + "x".repeat(Accounts.MAX_PASSWORD_BYTES + 1)
                    + "\"," + proof + "}", alice.token()).status()).isEqualTo(400);
            assertThat(server.post(PASSWORD, "{\"new_password\":\"x\"," + proof + "}", "syt_nobody").errcode())
                    .isEqualTo("M_UNKNOWN_TOKEN");

            assertThat(login(server, KeysClient.PASSWORD).status()).as("the password is unchanged").isEqualTo(200);
        }
    }

    @OnEveryDatabase
    void loggingOutTakesTheDevicesKeysAndTellsThoseWhoShareARoom(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = KeysClient.register(server, "alice");
            User phone = KeysClient.login(server, "alice");
            KeysClient.uploadAll(server, alice, 3);
            KeysClient.uploadAll(server, phone, 2);
            String where = " WHERE user_id = '" + alice.userId() + "' AND device_id = '";

            assertThat(server.post("/_matrix/client/v3/logout", "{}", phone.token()).status()).isEqualTo(200);
            assertThat(server.queryLong("SELECT COUNT(*) FROM device_keys" + where + phone.deviceId() + "'")).isZero();
            assertThat(server.queryLong("SELECT COUNT(*) FROM one_time_keys" + where + phone.deviceId() + "'")).isZero();
            assertThat(server.queryLong("SELECT COUNT(*) FROM device_keys" + where + alice.deviceId() + "'")).isOne();
            assertThat(KeysClient.query(server, alice, alice.userId()).json().path("device_keys").path(alice.userId())
                    .has(phone.deviceId())).isFalse();

            assertThat(server.post("/_matrix/client/v3/logout/all", "{}", alice.token()).status()).isEqualTo(200);
            assertThat(server.queryLong("SELECT COUNT(*) FROM device_keys WHERE user_id = '" + alice.userId() + "'"))
                    .isZero();
            assertThat(server.queryLong("SELECT COUNT(*) FROM one_time_keys WHERE user_id = '" + alice.userId() + "'"))
                    .isZero();
        }
    }
}
