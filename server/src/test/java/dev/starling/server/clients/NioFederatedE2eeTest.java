package dev.starling.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.federation.LoopbackFederation;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;

/**
 * End-to-end encryption across two Starling servers through a real client (issue 4, acceptance 1):
 * matrix-nio with libolm (server/src/test/clients/nio/federated_e2ee.py), each user logged in to their own
 * server. Keys are queried and claimed across servers (federation /user/keys/query and /user/keys/claim),
 * Megolm sessions travel as m.direct_to_device EDUs, and each user decrypts every message of the other.
 */
class NioFederatedE2eeTest {
    @OnEveryDatabase
    void nioUsersOnTwoServersExchangeEncryptedMessages(Backend backend) {
        NioClient nio = NioClient.require();
        try (LoopbackFederation servers = LoopbackFederation.start(backend, 2)) {
            NioClient.Run run = nio.run("federated_e2ee.py", servers.url(0), servers.url(1));

            assertThat(run.report().path("failures")).as(run.describe()).isEmpty();
            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(run.report().path("steps").path("messages decrypted").path("count").asInt()).isEqualTo(6);
        }
    }
}
