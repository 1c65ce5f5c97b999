package dev.starling.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/** Registration, login, logout and whoami through the real homeserver, over HTTP, on every database. */
class AccountsHttpTest {
    private static final String REGISTER = "/_matrix/client/v3/register";
    private static final String LOGIN = "/_matrix/client/v3/login";
    private static final String WHOAMI = "/_matrix/client/v3/account/whoami";

    /** Registers through the two UIA steps (m.login.dummy) and returns the final answer. */
    static Reply register(TestHomeServer server, String username, String password) {
        return server.register(username, password);
    }

    static Reply login(TestHomeServer server, String user, String password) {
        return server.post(LOGIN, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\""
                + user + "\"},\"password\":\"" + password + "\"}", null);
    }

    @OnEveryDatabase
    void registrationRunsTheDummyStageThenGivesATokenThatWorks(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            Reply challenge = server.post(REGISTER, "{\"username\":\"alice\",\"password\":\"pw\"}", null);
            assertThat(challenge.status()).isEqualTo(401);
            assertThat(challenge.json().path("flows").get(0).path("stages").get(0).asText()).isEqualTo("m.login.dummy");
            assertThat(challenge.json().path("session").asText()).isNotEmpty();
            assertThat(challenge.errcode()).isNull();

            Reply done = register(server, "alice", "pw");

            assertThat(done.status()).isEqualTo(200);
            assertThat(done.json().path("user_id").asText()).isEqualTo("@alice:example.org");
            String token = done.json().path("access_token").asText();
            assertThat(token).startsWith("stt_");
            Reply whoami = server.get(WHOAMI, token);
            assertThat(whoami.status()).isEqualTo(200);
            assertThat(whoami.json().path("user_id").asText()).isEqualTo("@alice:example.org");
            assertThat(whoami.json().path("device_id").asText()).isEqualTo(done.json().path("device_id").asText());
            assertThat(whoami.json().path("is_guest").asBoolean(true)).isFalse();
        }
    }

    @OnEveryDatabase
    void userNamesAreCheckedLowerCasedAndUnique(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            assertThat(register(server, "Bob", "pw").json().path("user_id").asText()).isEqualTo("@bob:example.org");

            Reply taken = server.post(REGISTER, "{\"username\":\"bob\",\"password\":\"x\"}", null);
            assertThat(taken.status()).isEqualTo(400);
            assertThat(taken.errcode()).isEqualTo("M_USER_IN_USE");
            assertThat(server.get(REGISTER + "/available?username=bob", null).errcode()).isEqualTo("M_USER_IN_USE");
            assertThat(server.get(REGISTER + "/available?username=carol", null).json().path("available").asBoolean())
                    .isTrue();
            for (String bad : List.of("al%20ice", "al%3Aice", "_bridge", "12345", "%C3%A9")) {
                Reply invalid = server.get(REGISTER + "/available?username=" + bad, null);
                assertThat(invalid.status()).as(bad).isEqualTo(400);
                assertThat(invalid.errcode()).as(bad).isEqualTo("M_INVALID_USERNAME");
            }
            Reply tooLong = server.post(REGISTER, "{\"username\":\"" + "a".repeat(250) + "\"}", null);
            assertThat(tooLong.errcode()).isEqualTo("M_INVALID_USERNAME");
        }
    }

    @OnEveryDatabase
    void closedRegistrationAndGuestsAreRefused(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, false, List.of())) {
            Reply closed = server.post(REGISTER, "{\"username\":\"eve\",\"password\":\"pw\"}", null);
            assertThat(closed.status()).isEqualTo(403);
            assertThat(closed.errcode()).isEqualTo("M_FORBIDDEN");
            Reply guest = server.post(REGISTER + "?kind=guest", "{}", null);
            assertThat(guest.status()).isEqualTo(403);
            assertThat(guest.errcode()).isEqualTo("M_GUEST_ACCESS_FORBIDDEN");
            assertThat(server.get(REGISTER + "/available?username=eve", null).json().path("available").asBoolean())
                    .isTrue();
        }
    }

    @OnEveryDatabase
    void aRegistrationTokenIsRequiredWhenRegistrationIsNotOpen(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, false, List.of("let-me-in"))) {
            Reply challenge = server.post(REGISTER, "{\"username\":\"dan\",\"password\":\"pw\"}", null);
            assertThat(challenge.json().path("flows").toString()).isEqualTo("[{\"stages\":[\"m.login.registration_token\"]}]");
            String session = challenge.json().path("session").asText();

            Reply wrong = server.post(REGISTER, "{\"username\":\"dan\",\"password\":\"pw\",\"auth\":{\"type\":"
                    + "\"m.login.registration_token\",\"token\":\"guess\",\"session\":\"" + session + "\"}}", null);
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.errcode()).isEqualTo("M_FORBIDDEN");
            Reply dummy = server.post(REGISTER, "{\"username\":\"dan\",\"password\":\"pw\",\"auth\":{\"type\":"
                    + "\"m.login.dummy\",\"session\":\"" + session + "\"}}", null);
            assertThat(dummy.status()).as("a stage not in any flow").isEqualTo(401);
            assertThat(server.get(REGISTER + "/available?username=dan", null).json().path("available").asBoolean())
                    .isTrue();

            Reply right = server.post(REGISTER, "{\"username\":\"dan\",\"password\":\"pw\",\"auth\":{\"type\":"
                    + "\"m.login.registration_token\",\"token\":\"let-me-in\",\"session\":\"" + session + "\"}}", null);
            assertThat(right.status()).isEqualTo(200);
            assertThat(right.json().path("user_id").asText()).isEqualTo("@dan:example.org");
            String validity = "/_matrix/client/v1/register/m.login.registration_token/validity?token=";
            assertThat(server.get(validity + "let-me-in", null).json().path("valid").asBoolean()).isTrue();
            assertThat(server.get(validity + "nope", null).json().path("valid").asBoolean()).isFalse();
        }
    }

    @OnEveryDatabase
    void loginWithAPasswordMakesANewDeviceAndWrongPasswordsAreRefused(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            Reply registered = register(server, "alice", "s3cret");

            Reply login = login(server, "alice", "s3cret");
            assertThat(login.status()).isEqualTo(200);
            assertThat(login.json().path("device_id").asText()).isNotEqualTo(registered.json().path("device_id").asText());
            assertThat(login(server, "@alice:example.org", "s3cret").status()).isEqualTo(200);
            assertThat(server.post(LOGIN, "{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":\"s3cret\"}",
                    null).status()).as("deprecated top-level user").isEqualTo(200);

            for (Reply refused : List.of(login(server, "alice", "wrong"), login(server, "nobody", "s3cret"),
                    login(server, "@alice:other.org", "s3cret"))) {
                assertThat(refused.status()).isEqualTo(403);
                assertThat(refused.errcode()).isEqualTo("M_FORBIDDEN");
                assertThat(refused.json().path("error").asText()).isEqualTo("invalid user name or password");
            }
            assertThat(server.get(LOGIN, null).json().path("flows").get(0).path("type").asText())
                    .isEqualTo("m.login.password");
        }
    }

    @OnEveryDatabase
    void loggingInAgainOnADeviceRevokesItsOldToken(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            Reply first = register(server, "alice", "pw");
            String device = first.json().path("device_id").asText();

            Reply again = server.post(LOGIN, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                    + "\"user\":\"alice\"},\"password\":\"pw\",\"device_id\":\"" + device + "\"}", null);

            assertThat(again.json().path("device_id").asText()).isEqualTo(device);
            assertThat(server.get(WHOAMI, first.json().path("access_token").asText()).errcode())
                    .isEqualTo("M_UNKNOWN_TOKEN");
            assertThat(server.get(WHOAMI, again.json().path("access_token").asText()).status()).isEqualTo(200);
        }
    }

    @OnEveryDatabase
    void logoutRevokesOneTokenAndLogoutAllRevokesEvery(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String a = register(server, "alice", "pw").json().path("access_token").asText();
            String b = login(server, "alice", "pw").json().path("access_token").asText();
            String c = login(server, "alice", "pw").json().path("access_token").asText();

            assertThat(server.post("/_matrix/client/v3/logout", "{}", a).status()).isEqualTo(200);
            Reply revoked = server.get(WHOAMI, a);
            assertThat(revoked.status()).isEqualTo(401);
            assertThat(revoked.errcode()).isEqualTo("M_UNKNOWN_TOKEN");
            assertThat(server.get(WHOAMI, b).status()).isEqualTo(200);

            assertThat(server.post("/_matrix/client/v3/logout/all", "{}", b).status()).isEqualTo(200);
            assertThat(server.get(WHOAMI, b).errcode()).isEqualTo("M_UNKNOWN_TOKEN");
            assertThat(server.get(WHOAMI, c).errcode()).isEqualTo("M_UNKNOWN_TOKEN");
            assertThat(server.get(WHOAMI, null).errcode()).isEqualTo("M_MISSING_TOKEN");
        }
    }

    @OnEveryDatabase
    void inhibitLoginCreatesTheAccountWithoutADevice(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            Reply challenge = server.post(REGISTER, "{}", null);
            Reply done = server.post(REGISTER, "{\"username\":\"quiet\",\"password\":\"pw\",\"inhibit_login\":true,"
                    + "\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + challenge.json().path("session").asText()
                    + "\"}}", null);

            assertThat(done.status()).isEqualTo(200);
            assertThat(done.json().path("user_id").asText()).isEqualTo("@quiet:example.org");
            assertThat(done.json().has("access_token")).isFalse();
            assertThat(login(server, "quiet", "pw").status()).isEqualTo(200);

            Reply session = server.post(REGISTER, "{}", null);
            Reply generated = server.post(REGISTER, "{\"inhibit_login\":true,\"auth\":{\"type\":\"m.login.dummy\","
                    + "\"session\":\"" + session.json().path("session").asText() + "\"}}", null);
            assertThat(generated.status()).as("no username: a generated one").isEqualTo(200);
            assertThat(generated.json().path("user_id").asText()).matches("@u[0-9a-z]+:example\\.org");
        }
    }

    @OnEveryDatabase
    void badInputGetsTheSpecsErrorAndStoresNothing(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            assertError(server.post(LOGIN, "{not json", null), 400, "M_NOT_JSON");
            assertError(server.post(LOGIN, "[1]", null), 400, "M_BAD_JSON");
            assertError(server.post(LOGIN, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                    + "\"user\":\"alice\"}}", null), 400, "M_MISSING_PARAM");
            assertError(server.post(LOGIN, "{\"type\":\"m.login.sso\"}", null), 400, "M_UNKNOWN");
            assertError(server.post(LOGIN, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.phone\"},"
                    + "\"password\":\"x\"}", null), 400, "M_UNKNOWN");
            assertError(server.post(REGISTER, "{\"username\":7}", null), 400, "M_BAD_JSON");
            assertError(server.post(REGISTER, "{\"username\":\"alice\",\"inhibit_login\":\"yes\"}", null), 400,
                    "M_BAD_JSON");
            assertError(server.post(REGISTER, "{\"username\":\"alice\",\"auth\":\"dummy\"}", null), 400, "M_BAD_JSON");
            assertError(server.post(REGISTER + "?kind=admin", "{}", null), 400, "M_INVALID_PARAM");
            String longPassword = "p".repeat(600);
            Reply challenge = server.post(REGISTER, "{}", null);
            assertError(server.post(REGISTER, "{\"username\":\"alice\",\"password\":\"" + longPassword + "\",\"auth\":"
                    + "{\"type\":\"m.login.dummy\",\"session\":\"" + challenge.json().path("session").asText() + "\"}}",
                    null), 400, "M_INVALID_PARAM");
            Reply badDevice = register(server, "carol", "pw");
            assertThat(badDevice.status()).isEqualTo(200);
            assertError(server.post(LOGIN, "{\"type\":\"m.login.password\",\"user\":\"carol\",\"password\":\"pw\","
                    + "\"device_id\":\"has space\"}", null), 400, "M_INVALID_PARAM");

            JsonNode available = server.get(REGISTER + "/available?username=alice", null).json();
            assertThat(available.path("available").asBoolean()).as("nothing was stored for alice").isTrue();
        }
    }

    private static void assertError(Reply reply, int status, String errcode) {
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(status);
        assertThat(reply.errcode()).as(reply.json().toString()).isEqualTo(errcode);
    }
}
