package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.crypto.VerifyKeyWithExpiry;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.keys.KeyRing;
import dev.starling.server.federation.keys.OwnKeys;
import dev.starling.server.federation.keys.RemoteKeyStore;
import dev.starling.server.federation.net.OutboundHttp;
import dev.starling.server.federation.net.ServerDiscovery;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import dev.starling.server.storage.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The key cache honours {@code valid_until_ts} (SECURITY.md item 8): a key verifies only what was signed
 * before its validity ends, is served from memory and then the database, and is fetched again once expired.
 */
class KeyRingTest {
    private static final Duration VALIDITY = Duration.ofHours(1);

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        final AtomicLong millis;

        MovableClock(long start) {
            this.millis = new AtomicLong(start);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** A transport that counts what goes through it. */
    static final class CountingTransport implements FederationTransport {
        final FederationTransport inner;
        final AtomicInteger sends = new AtomicInteger();

        CountingTransport(FederationTransport inner) {
            this.inner = inner;
        }

        @Override
        public Answer send(ServerName destination, String method, String uri, Map<String, String> headers,
                byte[] body, long maxBytes) {
            sends.incrementAndGet();
            return inner.send(destination, method, uri, headers, body, maxBytes);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private static KeyRing keyRing(TestDatabase db, CountingTransport transport, Clock clock) {
        OwnKeys own = new OwnKeys(ServerName.parse("observer.example"), SigningKey.generate(KeyId.ed25519("o")),
                Duration.ofDays(1), clock);
        return new KeyRing(own, new RemoteKeyStore(db.db()), new FederationClient(own, transport, 1_000_000), clock);
    }

    @OnEveryDatabase
    void cachedKeysHonourValidUntilTs(Backend backend) {
        FederationConfig shortKeys = FederationConfig.loopbackForTests().withKeyValidity(VALIDITY);
        try (FederatingServer a = FederatingServer.start(backend, shortKeys); TestDatabase db = backend.create()) {
            OutboundHttp http = new OutboundHttp(FederationConfig.loopbackForTests());
            CountingTransport transport = new CountingTransport(
                    new HttpsFederationTransport(http, new ServerDiscovery(http, Clock.systemUTC())));
            try (transport) {
                long realNow = System.currentTimeMillis();
                // Our clock runs two hours behind the remote server's, so we can move it past its validity.
                MovableClock clock = new MovableClock(realNow - Duration.ofHours(2).toMillis());
                KeyRing ring = keyRing(db, transport, clock);
                KeyId kid = a.key().keyId();

                VerifyKeyWithExpiry key = ring.verifyKey(a.name(), kid, clock.millis()).orElseThrow();
                long validUntil = key.validUntilTs();
                assertThat(validUntil).isBetween(realNow + VALIDITY.toMillis() - 1000,
                        System.currentTimeMillis() + VALIDITY.toMillis());
                assertThat(transport.sends.get()).isEqualTo(1);

                // Within validity: from memory, no fetch; signed exactly at valid_until_ts still counts.
                assertThat(ring.verifyKey(a.name(), kid, validUntil)).isPresent();
                assertThat(transport.sends.get()).isEqualTo(1);

                // Something signed after valid_until_ts: refused, and no fetch (the document is not expired yet).
                assertThat(ring.verifyKey(a.name(), kid, validUntil + 1)).isEmpty();
                assertThat(transport.sends.get()).isEqualTo(1);

                // A restart: the database answers, no fetch.
                KeyRing restarted = keyRing(db, transport, clock);
                assertThat(restarted.verifyKey(a.name(), kid, clock.millis())).isPresent();
                assertThat(transport.sends.get()).isEqualTo(1);

                // Once valid_until_ts has passed, what was signed before it still verifies from the cache ...
                clock.millis.set(validUntil + KeyRing.REFETCH_INTERVAL.toMillis() + 1);
                assertThat(restarted.verifyKey(a.name(), kid, validUntil)).isPresent();
                assertThat(transport.sends.get()).isEqualTo(1);
                // ... and something signed now makes it fetch the document again.
                restarted.verifyKey(a.name(), kid, clock.millis());
                assertThat(transport.sends.get()).isEqualTo(2);
                // ... but not again within the refetch interval, however often it is asked.
                restarted.verifyKey(a.name(), kid, clock.millis());
                restarted.verifyKey(a.name(), KeyId.ed25519("unknown"), clock.millis());
                assertThat(transport.sends.get()).isEqualTo(2);
            }
        }
    }
}
