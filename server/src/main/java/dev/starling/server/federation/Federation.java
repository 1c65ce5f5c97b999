package dev.starling.server.federation;

import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.auth.XMatrixAuthenticator;
import dev.starling.server.federation.keys.KeyRing;
import dev.starling.server.federation.keys.KeyServerApi;
import dev.starling.server.federation.keys.OwnKeys;
import dev.starling.server.federation.keys.RemoteKeyStore;
import dev.starling.server.federation.net.OutboundHttp;
import dev.starling.server.federation.net.ServerDiscovery;
import dev.starling.server.storage.Database;
import java.time.Clock;

/**
 * The federation parts of one homeserver, wired: our keys, the outbound client (discovery → HTTPS with the
 * IP blocklist → X-Matrix signing), the key ring, the inbound X-Matrix check, and the HTTP faces.
 */
public final class Federation implements AutoCloseable {
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
        this.ownKeys = new OwnKeys(serverName, signingKey, config.keyValidity(), clock);
        OutboundHttp http = new OutboundHttp(config);
        this.transport = new BlockingFederationTransport(new HttpsFederationTransport(http,
                new ServerDiscovery(http, clock)), blocks);
        this.client = new FederationClient(ownKeys, transport, config.maxResponseBytes());
        this.keyRing = new KeyRing(ownKeys, new RemoteKeyStore(database), client, clock);
        this.authenticator = new XMatrixAuthenticator(serverName, keyRing, clock);
        authenticator.refuseOrigins(blocks::isBlocked);
        this.keyServerApi = new KeyServerApi(ownKeys, keyRing, clock);
        this.api = new FederationApi();
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
