package dev.starling.server.federation.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.mesh.identity.NodeIdentity;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.crypto.VerifyKeyWithExpiry;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.federation.FederationClient;
import dev.starling.server.federation.FederationTransport;
import dev.starling.server.federation.keys.KeyRing;
import dev.starling.server.federation.keys.OwnKeys;
import dev.starling.server.federation.keys.RemoteKeyStore;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import dev.starling.server.storage.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mesh node's server name is its key: the key ring takes the key from the name (key ID {@code ed25519:mesh})
 * without any request, knows no other key ID for it, and refuses a key document for the name that publishes
 * another key.
 */
class MeshKeysTest {
    private static final Clock CLOCK = Clock.systemUTC();

    /** Answers every request with one key document, counting the requests. */
    static final class DocumentTransport implements FederationTransport {
        final AtomicInteger sends = new AtomicInteger();
        volatile byte[] document = "{}".getBytes();

        @Override
        public Answer send(ServerName destination, String method, String uri, Map<String, String> headers,
                byte[] body, long maxBytes) {
            sends.incrementAndGet();
            return new Answer(200, document);
        }

        @Override
        public void close() {
        }
    }

    private static KeyRing ring(TestDatabase db, DocumentTransport transport) {
        OwnKeys own = new OwnKeys(ServerName.parse("observer.example"), SigningKey.generate(KeyId.ed25519("o")),
                Duration.ofDays(1), CLOCK);
        return new KeyRing(own, new RemoteKeyStore(db.db()), new FederationClient(own, transport, 1_000_000), CLOCK,
                new MeshServerKeys());
    }

    @OnEveryDatabase
    void aNodeKeyIsTakenFromItsNameWithoutFetching(Backend backend) {
        NodeIdentity node = NodeIdentity.generate();
        ServerName name = node.nodeId().serverName();
        SigningKey signing = MeshServerKeys.signingKey(node.exportSeed());
        try (TestDatabase db = backend.create()) {
            DocumentTransport transport = new DocumentTransport();
            KeyRing ring = ring(db, transport);

            VerifyKeyWithExpiry key = ring.verifyKey(name, MeshServerKeys.KEY_ID, CLOCK.millis()).orElseThrow();
            assertThat(key.key().publicKey()).isEqualTo(node.nodeId().publicKey());
            assertThat(key.key().publicKey()).isEqualTo(signing.verifyKey().publicKey());
            // Another key ID of a node is unknown: nothing is fetched for it either.
            assertThat(ring.verifyKey(name, KeyId.ed25519("other"), CLOCK.millis())).isEmpty();
            assertThat(transport.sends).hasValue(0);
        }
    }

    @OnEveryDatabase
    void aKeyDocumentForANodeNameMustPublishExactlyTheNameKey(Backend backend) {
        NodeIdentity node = NodeIdentity.generate();
        ServerName name = node.nodeId().serverName();
        try (TestDatabase db = backend.create()) {
            DocumentTransport transport = new DocumentTransport();
            KeyRing ring = ring(db, transport);
            // An impostor's document: self-signed and naming the node, but with another key.
            OwnKeys impostor = new OwnKeys(name, SigningKey.generate(MeshServerKeys.KEY_ID), Duration.ofDays(1), CLOCK);
            transport.document = CanonicalJson.encode(impostor.signedDocument());
            assertThat(ring.document(name, 0)).isEmpty();
            assertThat(transport.sends).hasValue(1);

            // The node's own document is accepted.
            OwnKeys genuine = new OwnKeys(name, MeshServerKeys.signingKey(node.exportSeed()), Duration.ofDays(1),
                    Clock.offset(CLOCK, Duration.ofMinutes(2)));
            transport.document = CanonicalJson.encode(genuine.signedDocument());
            KeyRing fresh = ring(db, transport);
            assertThat(fresh.document(name, 0)).isPresent();
        }
    }

    @OnEveryDatabase
    void anOrdinaryNameIsNotSelfCertifying(Backend backend) {
        assertThat(new MeshServerKeys().keyOf(ServerName.parse("example.org"))).isEmpty();
        assertThat(new MeshServerKeys().keyOf(ServerName.parse("a".repeat(52)))).isEmpty();
    }
}
