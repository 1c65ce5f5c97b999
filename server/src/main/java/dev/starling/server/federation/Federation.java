package dev.starling.server.federation;

import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.auth.XMatrixAuthenticator;
import dev.starling.server.federation.keys.KeyRing;
import dev.starling.server.federation.keys.KeyServerApi;
import dev.starling.server.federation.keys.OwnKeys;
import dev.starling.server.federation.keys.RemoteKeyStore;
import dev.starling.server.federation.keys.SelfCertifiedKeys;
import dev.starling.server.federation.net.OutboundHttp;
import dev.starling.server.federation.net.ServerDiscovery;
import dev.starling.server.storage.Database;
import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * The federation parts of one homeserver, wired: our keys, the outbound client (discovery → HTTPS with the
 * IP blocklist → X-Matrix signing), the key ring, the inbound X-Matrix check, and the HTTP faces.
 */
public final class Federation implements AutoCloseable {
    private final OutboundHttp http;
    private final OwnKeys ownKeys;
    private final FederationTransport transport;
    private final FederationClient client;
    private final KeyRing keyRing;
    private final XMatrixAuthenticator authenticator;
    private final KeyServerApi keyServerApi;
    private final FederationApi api;
    private final ServerBlocks blocks = new ServerBlocks();

    /**
     * The parts that need no rooms; room events over federation ({@code FederationEvents}) are built by
     * {@code HomeServer} on top of {@link #keyRing()} and {@link #client()} once the rooms exist.
     */
    public Federation(ServerName serverName, SigningKey signingKey, FederationConfig config, Database database,
            Clock clock) {
        this(serverName, signingKey, config, database, clock, Plugins.NONE);
    }

    /**
     * What a P2P node changes in federation: the transport (given the HTTPS one, returns the one to use, e.g.
     * the mesh for node names and HTTPS for the rest) and the server names that are their own key.
     */
    public record Plugins(UnaryOperator<FederationTransport> transport, SelfCertifiedKeys selfCertified) {
        /** An internet homeserver: HTTPS only, every key fetched. */
        public static final Plugins NONE = new Plugins(UnaryOperator.identity(), SelfCertifiedKeys.NONE);
    }

    /** As above, with a P2P node's {@link Plugins}. */
    public Federation(ServerName serverName, SigningKey signingKey, FederationConfig config, Database database,
            Clock clock, Plugins plugins) {
        this.ownKeys = new OwnKeys(serverName, signingKey, config.keyValidity(), clock);
        this.http = new OutboundHttp(config);
        // Blocks (partitions) apply whatever carries the request: HTTPS or, on a P2P node, the mesh.
        this.transport = new BlockingFederationTransport(plugins.transport().apply(new HttpsFederationTransport(http,
                new ServerDiscovery(http, clock))), blocks);
        this.client = new FederationClient(ownKeys, transport, config.maxResponseBytes());
        this.keyRing = new KeyRing(ownKeys, new RemoteKeyStore(database), client, clock, plugins.selfCertified());
        this.authenticator = new XMatrixAuthenticator(serverName, keyRing, clock);
        authenticator.refuseOrigins(blocks::isBlocked);
        this.keyServerApi = new KeyServerApi(ownKeys, keyRing, clock);
        this.api = new FederationApi();
    }

    /**
     * Waits until the outbound HTTP client has started (it starts on a thread of its own).
     *
     * @throws IllegalStateException if it cannot start (e.g. the configured trust store cannot be read)
     */
    public void awaitStarted() {
        http.awaitStarted();
    }

    public OwnKeys ownKeys() {
        return ownKeys;
    }

    public FederationClient client() {
        return client;
    }

    public KeyRing keyRing() {
        return keyRing;
    }

    public XMatrixAuthenticator authenticator() {
        return authenticator;
    }

    /** The servers federation is cut off from, both ways (empty unless someone blocks one). */
    public ServerBlocks blocks() {
        return blocks;
    }

    public KeyServerApi keyServerApi() {
        return keyServerApi;
    }

    public FederationApi api() {
        return api;
    }

    @Override
    public void close() {
        transport.close();
    }
}
