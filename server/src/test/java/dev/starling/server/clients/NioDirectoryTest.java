package dev.starling.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/**
 * Aliases, the room directory and profiles through a real Matrix client: matrix-nio
 * (server/src/test/clients/nio/directory.py) creates a room with an alias, resolves it, joins by it, adds and
 * deletes aliases, and changes a profile that the other user's sync then shows; on every database.
 */
class NioDirectoryTest {
    @OnEveryDatabase
    void nioUsesAliasesTheDirectoryAndProfiles(Backend backend) {
        NioClient nio = NioClient.require();
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            NioClient.Run run = nio.run("directory.py", "http://127.0.0.1:" + server.port(),
                    TestHomeServer.SERVER_NAME.value());

            assertThat(run.report().path("failures")).as(run.describe()).isEmpty();
            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(run.report().path("steps").path("alice's sync shows bob's new name").path("shown").asText())
                    .isEqualTo("Bobby");
        }
    }
}
