package dev.starling.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/**
 * Sync and history through a real Matrix client: matrix-nio (server/src/test/clients/nio/sync.py) invites,
 * joins, exchanges 50 messages each way seen in order by both, long-polls, and pages back to the room's
 * creation, against a whole homeserver on every database.
 */
class NioSyncTest {
    @OnEveryDatabase
    void nioSyncsAndPaginates(Backend backend) {
        NioClient nio = NioClient.require();
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            NioClient.Run run = nio.run("sync.py", "http://127.0.0.1:" + server.port(),
                    TestHomeServer.SERVER_NAME.value());

            assertThat(run.report().path("failures")).as(run.describe()).isEmpty();
            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(run.report().path("steps").path("alice saw every message in order").path("count").asInt())
                    .isEqualTo(100);
        }
    }
}
