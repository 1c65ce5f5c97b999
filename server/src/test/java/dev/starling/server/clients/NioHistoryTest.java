package dev.starling.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/**
 * Redactions, /context and filtered /messages through a real Matrix client: matrix-nio
 * (server/src/test/clients/nio/history.py) redacts, is refused redacting another's event, sees the redaction
 * in sync and the redacted event in /messages, filters by sender and reads a context, on every database.
 */
class NioHistoryTest {
    @OnEveryDatabase
    void nioSeesRedactionsContextAndFilters(Backend backend) {
        NioClient nio = NioClient.require();
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            NioClient.Run run = nio.run("history.py", "http://127.0.0.1:" + server.port(),
                    TestHomeServer.SERVER_NAME.value());

            assertThat(run.report().path("failures")).as(run.describe()).isEmpty();
            assertThat(run.exitCode()).as(run.describe()).isZero();
        }
    }
}
