package dev.starling.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/**
 * End-to-end encryption through a real Matrix client: matrix-nio with libolm (server/src/test/clients/nio/e2ee.py)
 * uploads keys, queries and claims them, shares Megolm sessions over Olm to-device messages in an encrypted
 * room, and each of two users decrypts every message of the other, against a whole homeserver on every database.
 */
class NioE2eeTest {
    @OnEveryDatabase
    void nioUsersExchangeEncryptedMessagesBothWays(Backend backend) {
        NioClient nio = NioClient.require();
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            NioClient.Run run = nio.run("e2ee.py", "http://127.0.0.1:" + server.port(),
                    TestHomeServer.SERVER_NAME.value());

            assertThat(run.report().path("failures")).as(run.describe()).isEmpty();
            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(run.report().path("steps").path("messages decrypted").path("count").asInt()).isEqualTo(6);
        }
    }
}
