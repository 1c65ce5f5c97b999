package dev.starling.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/**
 * Rooms, sync and history through the real matrix-js-sdk (server/src/test/clients/js/sync.mjs): two users
 * register with user-interactive auth and log in, start the SDK's sync loop, create a room, invite and join,
 * take turns sending 10 messages each (each one awaited in the other's live timeline), and a fresh device pages
 * back through /messages to the room's creation, against a whole homeserver on every database.
 */
class JsSdkSyncTest {
    @OnEveryDatabase
    void jsSdkSyncsAndPaginates(Backend backend) {
        JsSdkClient js = JsSdkClient.require();
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            JsSdkClient.Run run = js.run("sync.mjs", "http://127.0.0.1:" + server.port(),
                    TestHomeServer.SERVER_NAME.value());

            assertThat(run.report().path("failures")).as(run.describe()).isEmpty();
            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(JsSdkClient.NOT_YET_SERVED).as("stand-ins used\n" + run.describe()).containsAll(run.standIns());
            JsonNode steps = run.report().path("steps");
            assertThat(steps.path("register alice").path("user_id").asText()).isEqualTo("@alice:example.org");
            assertThat(steps.path("bob sees the invite").path("invited").asBoolean()).isTrue();
            assertThat(steps.path("alice saw every message in order").path("count").asInt()).isEqualTo(20);
            assertThat(steps.path("bob saw every message in order").path("count").asInt()).isEqualTo(20);
            assertThat(steps.path("alice pages back").path("oldest").asText()).isEqualTo("m.room.create");
        }
    }
}
