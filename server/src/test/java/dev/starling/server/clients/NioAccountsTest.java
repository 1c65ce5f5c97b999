package dev.starling.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/**
 * Accounts through a real Matrix client: matrix-nio (server/src/test/clients/nio/accounts.py) registers two
 * users, checks whoami, logs in on a second device, logs out, logs out all devices and registers a taken name,
 * against a whole homeserver on every database.
 */
class NioAccountsTest {
    @OnEveryDatabase
    void nioRegistersLogsInAndLogsOut(Backend backend) {
        NioClient nio = NioClient.require();
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            NioClient.Run run = nio.run("accounts.py", "http://127.0.0.1:" + server.port(),
                    TestHomeServer.SERVER_NAME.value());

            assertThat(run.exitCode()).as(run.describe()).isZero();
            JsonNode steps = run.report().path("steps");
            assertThat(run.report().path("failures")).as(run.describe()).isEmpty();

            assertThat(steps.path("register alice").path("user_id").asText()).isEqualTo("@alice:example.org");
            assertThat(steps.path("register bob").path("user_id").asText()).isEqualTo("@bob:example.org");
            assertThat(steps.path("whoami alice").path("user_id").asText()).isEqualTo("@alice:example.org");
            assertThat(steps.path("raw whoami bob").path("body").path("device_id").asText())
                    .isEqualTo(steps.path("register bob").path("device_id").asText());
            assertThat(steps.path("login alice again").path("response").asText()).isEqualTo("LoginResponse");
            assertThat(steps.path("login alice again").path("device_id").asText())
                    .isNotEmpty()
                    .isNotEqualTo(steps.path("register alice").path("device_id").asText());
            assertThat(steps.path("login wrong password").path("errcode").asText()).isEqualTo("M_FORBIDDEN");
            assertThat(steps.path("logout alice again").path("response").asText()).isEqualTo("LogoutResponse");
            assertThat(steps.path("whoami after logout").path("errcode").asText()).isEqualTo("M_UNKNOWN_TOKEN");
            assertThat(steps.path("whoami first device after logout").path("response").asText())
                    .isEqualTo("WhoamiResponse");
            assertThat(steps.path("whoami bob after logout all").path("errcode").asText()).isEqualTo("M_UNKNOWN_TOKEN");
            assertThat(steps.path("whoami bob again after logout all").path("errcode").asText())
                    .isEqualTo("M_UNKNOWN_TOKEN");
            assertThat(steps.path("register taken name").path("response").asText()).isEqualTo("RegisterErrorResponse");
            assertThat(steps.path("register taken name").path("errcode").asText()).isEqualTo("M_USER_IN_USE");
        }
    }
}
