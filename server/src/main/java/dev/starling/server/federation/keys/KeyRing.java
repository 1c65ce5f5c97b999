package dev.starling.server.federation.keys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.ServerKeysDocument;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.crypto.VerifyKeyWithExpiry;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.FederationClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remote servers' verify keys: from memory, else the database, else fetched directly from the server
 * ({@code GET /_matrix/key/v2/server}), its self-signature and {@code server_name} checked by
 * {@link ServerKeysDocument#parse}. A key is usable for something signed at time {@code t} only if
 * {@code t ≤} its validity (SECURITY.md item 8); a document whose {@code valid_until_ts} has passed, or that
 * lacks the key asked for, is fetched again — at most once per {@link #REFETCH_INTERVAL} per server, so a
 * flood of unknown key IDs does not become a flood of fetches. Our own key never goes through the cache.
 */
public final class KeyRing {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
    /** The least time between two fetches of the same server's keys. */
    public static final Duration REFETCH_INTERVAL = Duration.ofMinutes(1);

    private final OwnKeys own;
    private final RemoteKeyStore store;
    private final FederationClient client;
    private final Clock clock;
    private final SelfCertifiedKeys selfCertified;
    private final Map<ServerName, FetchedKeys> memory = new ConcurrentHashMap<>();
    private final Map<ServerName, Long> lastFetch = new ConcurrentHashMap<>();
    private final Map<ServerName, Object> locks = new ConcurrentHashMap<>();

    public KeyRing(OwnKeys own, RemoteKeyStore store, FederationClient client, Clock clock) {
        this(own, store, client, clock, SelfCertifiedKeys.NONE);
    }

    /** As above, with names that are their own key (mesh nodes): their key comes from the name, never fetched. */
    public KeyRing(OwnKeys own, RemoteKeyStore store, FederationClient client, Clock clock,
            SelfCertifiedKeys selfCertified) {
        this.own = own;
        this.store = store;
        this.client = client;
        this.clock = clock;
        this.selfCertified = selfCertified;
    }

    /**
     * The key {@code keyId} of {@code server} if it may have signed something at {@code atTs}; fetches the
     * server's keys when needed. Empty when the key is unknown, expired for {@code atTs}, or the server
     * cannot be reached.
     */
    public Optional<VerifyKeyWithExpiry> verifyKey(ServerName server, KeyId keyId, long atTs) {
        if (server.equals(own.serverName())) {
            return own.document().toServerKeys(clock.millis()).find(keyId).filter(k -> k.validAt(atTs));
        }
        Optional<VerifyKey> named = selfCertified.keyOf(server);
        if (named.isPresent()) {
            // The name is the key: valid as long as the name exists, nothing to fetch or cache.
            return named.filter(k -> k.keyId().equals(keyId)).map(k -> new VerifyKeyWithExpiry(k, Long.MAX_VALUE));
        }
        Optional<FetchedKeys> known = cached(server);
        Optional<VerifyKeyWithExpiry> key = known.flatMap(k -> k.keys().find(keyId));
        if (key.isPresent() && key.get().validAt(atTs)) {
            return key;
        }
        boolean worthFetching = known.isEmpty() || key.isEmpty() || known.get().expiredAt(clock.millis());
        if (!worthFetching) {
            return Optional.empty(); // the key is known and simply not valid at atTs
        }
        return refetch(server).flatMap(k -> k.keys().find(keyId)).filter(k -> k.validAt(atTs));
    }

    /**
     * The newest document of {@code server} valid until at least {@code minimumValidUntilTs}, fetching it if
     * the cached one is older; for a notary, which answers with what it has when the server is unreachable.
     */
    public Optional<FetchedKeys> document(ServerName server, long minimumValidUntilTs) {
        Optional<FetchedKeys> known = cached(server);
        if (known.isPresent() && known.get().document().validUntilTs() >= minimumValidUntilTs
                && !known.get().expiredAt(clock.millis())) {
            return known;
        }
        Optional<FetchedKeys> fresh = refetch(server);
        return fresh.isPresent() ? fresh : known;
    }

    private Optional<FetchedKeys> cached(ServerName server) {
        FetchedKeys inMemory = memory.get(server);
        if (inMemory != null) {
            return Optional.of(inMemory);
        }
        Optional<FetchedKeys> stored = store.get(server);
        stored.ifPresent(k -> memory.put(server, k));
        return stored;
    }

    /** Fetches now unless another fetch of this server happened within {@link #REFETCH_INTERVAL}. */
    private Optional<FetchedKeys> refetch(ServerName server) {
        synchronized (locks.computeIfAbsent(server, s -> new Object())) {
            long now = clock.millis();
            Long last = lastFetch.get(server);
            if (last != null && now - last < REFETCH_INTERVAL.toMillis()) {
                return Optional.ofNullable(memory.get(server));
            }
            lastFetch.put(server, now);
            try {
                ObjectNode json = client.get(server, "/_matrix/key/v2/server");
                ServerKeysDocument document = ServerKeysDocument.parse(json, server);
                Optional<VerifyKey> named = selfCertified.keyOf(server);
                if (named.isPresent() && !publishesExactly(document, named.get())) {
                    throw new IllegalStateException("key document does not match the key the name stands for");
                }
                FetchedKeys fetched = new FetchedKeys(document, json, now);
                store.put(fetched);
                memory.put(server, fetched);
                LOG.info("server keys fetched server={} keys={} valid_until_ts={}", server,
                        document.verifyKeys().size(), document.validUntilTs());
                return Optional.of(fetched);
            } catch (RuntimeException e) {
                LOG.info("server keys fetch failed server={} error={}", server, e.toString());
                return Optional.ofNullable(memory.get(server));
            }
        }
    }

    /** A self-certifying name's document must publish its one key and nothing else. */
    private static boolean publishesExactly(ServerKeysDocument document, VerifyKey key) {
        VerifyKey published = document.verifyKeys().get(key.keyId());
        return document.verifyKeys().size() == 1 && published != null
                && java.util.Arrays.equals(published.publicKey(), key.publicKey())
                && document.oldVerifyKeys().isEmpty();
    }
}
