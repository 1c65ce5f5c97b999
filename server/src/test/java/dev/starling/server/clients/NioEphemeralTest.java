package dev.starling.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/**
 * Typing notifications and read receipts through a real Matrix client: matrix-nio
 * (server/src/test/clients/nio/ephemeral.py) sees the other user start typing, their read markers and receipts,
 * the typing stop, and a typing notice expire by the server's timer, against a whole homeserver on every database.
 */
class NioEphemeralTest {
    @OnEveryDatabase
    void nioSeesTypingAndReceipts(Backend backend) {
        NioClient nio = NioClient.require();
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            NioClient.Run run = nio.run("ephemeral.py", "http://127.0.0.1:" + server.port(),
                    TestHomeServer.SERVER_NAME.value());

            assertThat(run.report().path("failures")).as(run.describe()).isEmpty();
            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(run.report().path("steps").path("bob sees alice typing").path("users").toString())
                    .contains("@alice:example.org");
        }
    }
}
