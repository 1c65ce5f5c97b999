package dev.starling.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/**
 * End-to-end encryption through the real matrix-js-sdk with Element's Rust crypto
 * (server/src/test/clients/js/e2ee.mjs), against a whole homeserver on every database: device keys uploaded
 * and queried, cross-signing bootstrapped (user-interactive auth answered with the password) and seen by the
 * other user, an encrypted room where each of two users decrypts every message of the other while the server
 * stores only ciphertext, {@code M_NOT_FOUND} for a missing key backup, a new backup receiving the room keys
 * that a new device restores and decrypts the history with, and a cross-signing reset that the server guards
 * with user-interactive auth.
 */
class JsSdkE2eeTest {
    @OnEveryDatabase
    void jsSdkEncryptsDecryptsAndBacksUpKeys(Backend backend) {
        JsSdkClient js = JsSdkClient.require();
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            JsSdkClient.Run run = js.run("e2ee.mjs", "http://127.0.0.1:" + server.port(),
                    TestHomeServer.SERVER_NAME.value());

            assertThat(run.report().path("failures")).as(run.describe()).isEmpty();
            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(JsSdkClient.NOT_YET_SERVED).as("stand-ins used\n" + run.describe()).containsAll(run.standIns());
            JsonNode steps = run.report().path("steps");
            assertThat(steps.path("alice sees the other's device signed by its owner").path("signed_by_owner").asBoolean())
                    .isTrue();
            assertThat(steps.path("bob sees the other's device signed by its owner").path("signed_by_owner").asBoolean())
                    .isTrue();
            assertThat(steps.path("each message is decrypted by the other").path("sent").asInt()).isEqualTo(6);
            assertThat(steps.path("the server holds only ciphertext").path("types").toString())
                    .isEqualTo("[\"m.room.encrypted\"]");
            assertThat(steps.path("no key backup: the server's answer").path("errcode").asText()).isEqualTo("M_NOT_FOUND");
            assertThat(steps.path("alice's room keys reach the backup").path("sessions").asInt()).isPositive();
            assertThat(steps.path("alice's new device restores the backup").path("imported").asInt()).isPositive();
            assertThat(steps.path("alice's new device restores the backup").path("decrypted").asInt()).isEqualTo(6);
            assertThat(steps.path("alice replaces her cross-signing keys").path("uia").path("challenged").asInt())
                    .isPositive();
            assertThat(steps.path("alice replaces her cross-signing keys").path("master_key_replaced").asBoolean())
                    .isTrue();
        }
    }
}
