package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.ServerKeysDocument;
import dev.starling.protocol.crypto.VerifyKeyWithExpiry;
import dev.starling.protocol.id.KeyId;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The key server and the notary over real HTTP, and one server fetching another's keys through the real
 * outbound client (loopback allow-listed), on both databases.
 */
class KeyServerHttpTest {
    @OnEveryDatabase
    void publishesItsKeysSignedAndParseable(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend)) {
            long before = System.currentTimeMillis();
            FederatingServer.Reply reply = a.send("GET", "/_matrix/key/v2/server", null, Map.of());
            assertThat(reply.status()).isEqualTo(200);
            ServerKeysDocument document = ServerKeysDocument.parse(reply.json(), a.name());
            assertThat(document.verifyKeys()).containsEntry(a.key().keyId(), a.key().verifyKey());
            assertThat(reply.json().get("old_verify_keys").isObject()).isTrue();
            long validity = FederationConfig.DEFAULT_KEY_VALIDITY.toMillis();
            assertThat(document.validUntilTs()).isBetween(before + validity, System.currentTimeMillis() + validity);
        }
    }

    @Test
    void keyValidityIsAtMostSevenDays() {
        assertThat(FederationConfig.defaults().withKeyValidity(Duration.ofDays(7)).keyValidity())
                .isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> FederationConfig.defaults().withKeyValidity(Duration.ofDays(8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FederationConfig.defaults().withKeyValidity(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @OnEveryDatabase
    void fetchesAnotherServersKeysAndStoresThem(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            VerifyKeyWithExpiry key = b.federation().keyRing()
                    .verifyKey(a.name(), a.key().keyId(), System.currentTimeMillis()).orElseThrow();
            assertThat(key.key()).isEqualTo(a.key().verifyKey());
            assertThat(b.count("SELECT COUNT(*) FROM federation_server_keys")).isEqualTo(1);
            // A key the server does not have is not invented.
            assertThat(b.federation().keyRing().verifyKey(a.name(), KeyId.ed25519("other"), System.currentTimeMillis()))
                    .isEmpty();
        }
    }

    @OnEveryDatabase
    void notaryAnswersWithTheServersDocumentCountersigned(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            FederatingServer.Reply post = b.send("POST", "/_matrix/key/v2/query",
                    "{\"server_keys\":{\"" + a.name() + "\":{\"" + a.key().keyId()
                            + "\":{\"minimum_valid_until_ts\":0}}}}", Map.of());
            assertThat(post.status()).isEqualTo(200);
            assertNotarised(post.json(), a, b);

            FederatingServer.Reply get = b.send("GET", "/_matrix/key/v2/query/" + a.name(), null, Map.of());
            assertThat(get.status()).isEqualTo(200);
            assertNotarised(get.json(), a, b);

            // Its own keys, signed by itself.
            FederatingServer.Reply own = b.send("GET", "/_matrix/key/v2/query/" + b.name(), null, Map.of());
            assertThat(ServerKeysDocument.parse((ObjectNode) own.json().get("server_keys").get(0), b.name())
                    .verifyKeys()).containsKey(b.key().keyId());

            // An unreachable server: nothing to answer, not an error.
            FederatingServer.Reply none = b.send("POST", "/_matrix/key/v2/query",
                    "{\"server_keys\":{\"127.0.0.1:1\":{}}}", Map.of());
            assertThat(none.status()).isEqualTo(200);
            assertThat(none.json().get("server_keys").size()).isZero();
        }
    }

    @OnEveryDatabase
    void keyFetchesGoThroughTheIpBlocklist(Backend backend) {
        // B without the loopback exemption: A (on 127.0.0.1) is out of reach for fetches and for the notary.
        FederationConfig strict = FederationConfig.loopbackForTests().withAllowedNetworks(java.util.List.of());
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend,
                strict)) {
            assertThat(b.federation().keyRing().verifyKey(a.name(), a.key().keyId(), System.currentTimeMillis()))
                    .isEmpty();
            FederatingServer.Reply notary = b.send("GET", "/_matrix/key/v2/query/" + a.name(), null, Map.of());
            assertThat(notary.status()).isEqualTo(200);
            assertThat(notary.json().get("server_keys").size()).isZero();
            assertThat(b.count("SELECT COUNT(*) FROM federation_server_keys")).isZero();
        }
    }

    private static void assertNotarised(ObjectNode answer, FederatingServer a, FederatingServer notary) {
        JsonNode keys = answer.get("server_keys");
        assertThat(keys.size()).isEqualTo(1);
        ObjectNode document = (ObjectNode) keys.get(0);
        assertThat(ServerKeysDocument.parse(document, a.name()).verifyKeys()).containsKey(a.key().keyId());
        JsonSignatures.verify(document, notary.name().value(), notary.key().verifyKey());
    }

    @OnEveryDatabase
    void notaryRefusesBadQueries(Backend backend) {
        try (FederatingServer b = FederatingServer.start(backend)) {
            assertThat(b.send("POST", "/_matrix/key/v2/query", "{\"server_keys\":[]}", Map.of()).errcode())
                    .isEqualTo("M_BAD_JSON");
            assertThat(b.send("POST", "/_matrix/key/v2/query", "{}", Map.of()).errcode()).isEqualTo("M_BAD_JSON");
            FederatingServer.Reply badName = b.send("POST", "/_matrix/key/v2/query",
                    "{\"server_keys\":{\"not a server\":{}}}", Map.of());
            assertThat(badName.status()).isEqualTo(400);
            assertThat(badName.errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(b.send("POST", "/_matrix/key/v2/query",
                    "{\"server_keys\":{\"a.example\":{\"ed25519:x\":{\"minimum_valid_until_ts\":\"soon\"}}}}", Map.of())
                    .errcode()).isEqualTo("M_BAD_JSON");
            assertThat(b.send("GET", "/_matrix/key/v2/query/a.example?minimum_valid_until_ts=x", null, Map.of())
                    .errcode()).isEqualTo("M_INVALID_PARAM");
            StringBuilder many = new StringBuilder("{\"server_keys\":{");
            for (int i = 0; i < 101; i++) {
                many.append(i == 0 ? "" : ",").append("\"s").append(i).append(".example\":{}");
            }
            assertThat(b.send("POST", "/_matrix/key/v2/query", many + "}}", Map.of()).errcode())
                    .isEqualTo("M_INVALID_PARAM");
        }
    }

    @OnEveryDatabase
    void versionEndpointAnswers(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend)) {
            FederatingServer.Reply reply = a.send("GET", "/_matrix/federation/v1/version", null, Map.of());
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().path("server").path("name").asText()).isEqualTo("Starling");
        }
    }
}
