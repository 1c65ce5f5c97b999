package dev.starling.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/**
 * Media through a real Matrix client: matrix-nio (server/src/test/clients/nio/media.py) uploads a 3 MiB file,
 * sends it as an m.file message, and the other user receives it through sync and downloads it byte-identical;
 * also a chunked upload and a crop thumbnail, against a whole homeserver on every database.
 */
class NioMediaTest {
    @OnEveryDatabase
    void nioUploadsSendsAndDownloadsAFile(Backend backend) {
        NioClient nio = NioClient.require();
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            NioClient.Run run = nio.run("media.py", "http://127.0.0.1:" + server.port(),
                    TestHomeServer.SERVER_NAME.value());

            assertThat(run.report().path("failures")).as(run.describe()).isEmpty();
            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(run.report().path("steps").path("bob downloads it").path("identical").asBoolean())
                    .as(run.describe()).isTrue();
        }
    }
}
