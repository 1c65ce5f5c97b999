package dev.starling.server;

import dev.starling.protocol.crypto.SigningKey;
import dev.starling.server.aliases.AliasHooks;
import dev.starling.server.aliases.AliasesApi;
import dev.starling.server.aliases.DirectoryApi;
import dev.starling.server.config.ServerConfig;
import dev.starling.server.backup.BackupApi;
import dev.starling.server.devices.DeviceCleanup;
import dev.starling.server.devices.DevicesApi;
import dev.starling.server.discovery.DiscoveryApi;
import dev.starling.server.federation.Federation;
import dev.starling.server.federation.InboundEdus;
import dev.starling.server.federation.edu.InboundEduHandlers;
import dev.starling.server.federation.events.FederationEvents;
import dev.starling.server.federation.edu.OutboundEdus;
import dev.starling.server.federation.query.QueryApi;
import dev.starling.server.federation.query.RemoteQueries;
import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.federation.sender.FederationSender;
import dev.starling.server.keys.FederatedKeys;
import dev.starling.server.federation.membership.MembershipClient;
import dev.starling.server.federation.membership.MembershipServingApi;
import dev.starling.server.http.HttpServerConfig;
import dev.starling.server.http.MatrixHttpServer;
import dev.starling.server.http.Rate;
import dev.starling.server.http.RateLimit;
import dev.starling.server.profile.ProfileApi;
import dev.starling.server.profile.ProfileStore;
import dev.starling.server.media.MediaApi;
import dev.starling.server.media.MediaRepository;
import dev.starling.server.keys.CrossSigningApi;
import dev.starling.server.keys.DeviceLists;
import dev.starling.server.keys.KeysApi;
import dev.starling.server.keys.KeysSyncSource;
import dev.starling.server.rooms.RoomMembers;
import dev.starling.server.http.RateLimiter;
import dev.starling.server.http.RequestObserver;
import dev.starling.server.ops.HealthCheck;
import dev.starling.server.ops.MetricsListener;
import dev.starling.server.ops.ServerMetrics;
import dev.starling.server.rooms.Rooms;
import dev.starling.server.signing.SigningKeyFile;
import dev.starling.server.signing.SigningKeyFileException;
import dev.starling.server.storage.Database;
import dev.starling.server.sync.EphemeralStream;
import dev.starling.server.sync.Notifier;
import dev.starling.server.sync.SyncApi;
import dev.starling.server.todevice.ToDeviceApi;
import dev.starling.server.todevice.ToDeviceSyncSource;
import dev.starling.server.sync.SyncSource;
import dev.starling.server.storage.DatabaseConfig;
import dev.starling.server.users.Accounts;
import dev.starling.server.users.AccountsApi;
import dev.starling.server.users.DeviceStore;
import dev.starling.server.users.PasswordHasher;
import dev.starling.server.users.PasswordReauth;
import dev.starling.server.users.RegistrationTokenStore;
import dev.starling.server.users.UserStore;
import dev.starling.server.accountdata.AccountDataApi;
import dev.starling.server.accountdata.AccountDataSyncSource;
import dev.starling.server.filters.FiltersApi;
import dev.starling.server.push.PushRules;
import dev.starling.server.push.PushRulesApi;
import dev.starling.server.push.PushRulesSyncSource;
import dev.starling.server.push.UnreadCountsSyncSource;
import dev.starling.server.receipts.ReceiptsApi;
import dev.starling.server.receipts.ReceiptsSyncSource;
import dev.starling.server.rooms.RoomEvents;
import dev.starling.server.typing.Typing;
import dev.starling.server.presence.Presence;
import dev.starling.server.presence.PresenceApi;
import dev.starling.server.presence.PresenceAudience;
import dev.starling.server.presence.PresenceSyncSource;
import dev.starling.server.typing.TypingApi;
import dev.starling.server.typing.TypingSyncSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The homeserver, wired from its configuration: the one place that builds every part and connects them
 * (database → stores → services → HTTP APIs → route table → HTTP server).
 */
public final class HomeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HomeServer.class);

    /**
     * Knobs that are not in the configuration file because only tests and benchmarks turn them.
     *
     * @param passwordCost the Argon2id cost of new password hashes
     * @param rateLimits overrides of the rate limits' defaults
     * @param federationBackoff how the federation sender waits after failures (tests shorten it)
     */
    public record Tuning(PasswordHasher.Cost passwordCost, Map<RateLimit, Rate> rateLimits,
            Backoff federationBackoff) {
        public Tuning {
            Objects.requireNonNull(passwordCost, "passwordCost");
            rateLimits = Map.copyOf(rateLimits);
            Objects.requireNonNull(federationBackoff, "federationBackoff");
        }

        /** With the default federation backoff ({@link Backoff#DEFAULT}). */
        public Tuning(PasswordHasher.Cost passwordCost, Map<RateLimit, Rate> rateLimits) {
            this(passwordCost, rateLimits, Backoff.DEFAULT);
        }

        public static Tuning defaults() {
            return new Tuning(PasswordHasher.DEFAULT_COST, Map.of());
        }
    }

    private final Database database;
    private final MatrixHttpServer http;
    private final Federation federation;
    private final int port;
    private final MetricsListener metricsListener; // null when metrics are off
    private final int metricsPort;
    private final FederationSender federationSender;
    private final Rooms rooms;
    private final InboundEdus inboundEdus;
    private final FederationEvents federationEvents;

    private HomeServer(Database database, MatrixHttpServer http, Federation federation, int port,
            MetricsListener metricsListener, int metricsPort, FederationSender federationSender,
            InboundEdus inboundEdus, FederationEvents federationEvents, Rooms rooms) {
        this.federationEvents = federationEvents;
        this.rooms = rooms;
        this.federationSender = federationSender;
        this.inboundEdus = inboundEdus;
        this.federation = federation;
        this.database = database;
        this.http = http;
        this.port = port;
        this.metricsListener = metricsListener;
        this.metricsPort = metricsPort;
    }

    /** Opens the database (running its migrations), then starts listening. */
    public static HomeServer start(ServerConfig config) {
        return start(config, Tuning.defaults());
    }

    public static HomeServer start(ServerConfig config, Tuning tuning) {
        return start(config, databaseConfig(config), tuning);
    }

    /**
     * As {@link #start(ServerConfig, Tuning)} on a database given directly (tests use a schema per test). The
     * signing key is loaded from {@code <data_dir>/signing.key}, generated there on first start.
     *
     * @throws SigningKeyFileException if the key file cannot be read, written or understood
     */
    public static HomeServer start(ServerConfig config, DatabaseConfig databaseConfig, Tuning tuning) {
        return start(config, databaseConfig, tuning,
                SigningKeyFile.loadOrGenerate(config.dataDir(), new SecureRandom()));
    }

    /** As {@link #start(ServerConfig, DatabaseConfig, Tuning)} with a signing key given directly (tests). */
    public static HomeServer start(ServerConfig config, DatabaseConfig databaseConfig, Tuning tuning,
            SigningKey signingKey) {
        return start(config, databaseConfig, tuning, signingKey, null);
    }

    /**
     * As above, with the handler of the EDUs of inbound federation transactions given directly (tests);
     * null: the server's own handlers.
     */
    public static HomeServer start(ServerConfig config, DatabaseConfig databaseConfig, Tuning tuning,
            SigningKey signingKey, InboundEdus edusOverride) {
        return start(config, databaseConfig, tuning, signingKey, edusOverride, Federation.Plugins.NONE);
    }

    /** As above, with a P2P node's federation {@link Federation.Plugins} (the mesh transport, self-certified names). */
    public static HomeServer start(ServerConfig config, DatabaseConfig databaseConfig, Tuning tuning,
            SigningKey signingKey, InboundEdus edusOverride, Federation.Plugins federationPlugins) {
        SecureRandom random = new SecureRandom();
        Clock clock = Clock.systemUTC();
        Database database = Database.open(databaseConfig);
        MetricsListener metricsListener = null;
        Federation federation = null;
        FederationSender federationSender = null;
        try {
            federation = new Federation(config.serverName(), signingKey, config.federation(), database, clock,
                    federationPlugins);
            // The outbound side of federation: the durable queues, and the client side of the queries.
            federationSender = new FederationSender(config.serverName(), database, federation.client(),
                    tuning.federationBackoff(), clock, random);
            RemoteQueries remoteQueries = new RemoteQueries(federation.client());
            OutboundEdus outboundEdus = new OutboundEdus(config.serverName(), database, federationSender);
            UserStore userStore = new UserStore(database, clock);
            DeviceStore deviceStore = new DeviceStore(database, clock);
            Notifier notifier = new Notifier();
            notifier.onWake(federationSender::localChange);
            DeviceLists deviceLists = new DeviceLists(database, new RoomMembers(database), notifier);
            Accounts accounts = new Accounts(config.serverName(), userStore,
                    deviceStore, new PasswordHasher(tuning.passwordCost(), random), random,
                    new DeviceCleanup(deviceLists));
            AccountsApi accountsApi = new AccountsApi(accounts,
                    new AccountsApi.RegistrationPolicy(config.openRegistration(), config.registrationTokens()),
                    new RegistrationTokenStore(database, clock), clock, random);
            ServerMetrics metrics = new ServerMetrics(notifier::waitingSyncs);
            boolean metricsOn = config.metrics().enabled();
            if (metricsOn) {
                database.listen(metrics);
            }
            ProfileStore profiles = new ProfileStore(database);
            // Federation before rooms: joining, inviting and leaving rooms on other servers go through it.
            Rooms rooms = new Rooms(config.serverName(), signingKey, database, clock, random,
                    user -> user.server().equals(config.serverName()) && userStore.exists(user),
                    metricsOn ? metrics.countingEvents(notifier) : notifier,
                    new AliasHooks(database, clock, user -> profiles.get(user).toJson()),
                    new MembershipClient(federation.client(), federation.keyRing()));
            EphemeralStream ephemeral = new EphemeralStream();
            // E2EE: device keys and device lists, to-device messages, devices (keys, todevice, devices packages).
            PasswordReauth reauth = new PasswordReauth(accounts, clock, random);
            KeysApi keysApi = new KeysApi(config.serverName(), database, deviceLists, remoteQueries);
            CrossSigningApi crossSigningApi = new CrossSigningApi(database, deviceLists, reauth);
            ToDeviceApi toDeviceApi = new ToDeviceApi(config.serverName(), database, notifier, clock, outboundEdus);
            DevicesApi devicesApi = new DevicesApi(database, deviceStore, reauth, deviceLists);
            BackupApi backupApi = new BackupApi(database);
            // The per-user and per-room side channels of /sync: typing, receipts, account data, push, filters.
            RoomEvents roomEvents = new RoomEvents(database, rooms.stream());
            Typing typing = new Typing(ephemeral, notifier);
            typing.listen(outboundEdus);
            Presence presence = new Presence(config.serverName(), config.presence().enabled(), clock, ephemeral, notifier,
                    new PresenceAudience(rooms.stream(), new RoomMembers(database)));
            presence.listen(outboundEdus);
            InboundEdus inboundEdus = edusOverride != null ? edusOverride
                    : new InboundEduHandlers(config.serverName(), database, typing, notifier, deviceLists, clock,
                            presence);
            PushRules pushRules = new PushRules(database, notifier);
            FiltersApi filters = new FiltersApi(database);
            List<SyncSource> sources = List.of(new ToDeviceSyncSource(database),
                    new KeysSyncSource(database, deviceLists), new TypingSyncSource(typing),
                    new PresenceSyncSource(presence),
                    new ReceiptsSyncSource(database),
                    new AccountDataSyncSource(database), new PushRulesSyncSource(database, pushRules),
                    // last: it counts the unread notifications of the rooms the others put in the answer
                    new UnreadCountsSyncSource(database, roomEvents, pushRules));
            SyncApi sync = new SyncApi(rooms.stream(), ephemeral, notifier, filters, sources);
            DiscoveryApi discovery = new DiscoveryApi(URI.create(config.publicBaseUrl()));
            MediaApi media = new MediaApi(config.serverName(), new MediaRepository(database,
                    config.dataDir().resolve("media"), config.maxUploadSize(), MediaRepository.defaultMaxImagePixels(),
                    clock, random));
            // Room events over federation: inbound transactions (PDUs through the pipeline, EDUs to the
            // handlers above) and serving the DAG to other servers.
            FederationEvents federationEvents = new FederationEvents(config.serverName(), database,
                    federation.keyRing(), federation.client(), rooms.remoteEvents(), rooms.federationReads(),
                    inboundEdus, clock);
            HttpServerConfig httpConfig = new HttpServerConfig(config.bindAddress(), config.port(),
                    HttpServerConfig.DEFAULT_MAX_JSON_BODY_BYTES, true, false, tuning.rateLimits());
            MatrixHttpServer http = new MatrixHttpServer(httpConfig,
                    ClientServerRoutes.router(new ClientServerRoutes.Apis(discovery, accountsApi, rooms.api(),
                            rooms.membershipApi(), rooms.messagesApi(), sync,
                            new AliasesApi(config.serverName(), database, clock, rooms.access(), remoteQueries),
                            new DirectoryApi(config.serverName(), database, clock, rooms.access()),
                            new ProfileApi(config.serverName(), profiles, userStore::exists, rooms.access(),
                                    remoteQueries), media,
                            keysApi, crossSigningApi, toDeviceApi, devicesApi, backupApi, new TypingApi(typing, roomEvents),
                            new ReceiptsApi(database, roomEvents, notifier, clock),
                            new AccountDataApi(database, notifier, pushRules::accountData),
                            new PushRulesApi(pushRules), filters, rooms.redactionsApi(), rooms.contextApi(),
                            rooms.relationsApi(), new PresenceApi(config.serverName(), presence, userStore::exists)))
                            .plus(FederationRoutes.routes(
                            new FederationRoutes.Apis(federation.api(), federation.keyServerApi(),
                            new MembershipServingApi(config.serverName(), rooms.resident(), federation.keyRing()))))
                            .plus(FederationRoutes.queryRoutes(new QueryApi(config.serverName(), database, profiles,
                                    userStore::exists, new FederatedKeys(config.serverName(), database))))
                            .plus(FederationRoutes.eventRoutes(federationEvents.sendApi(),
                                    federationEvents.servingApi())), accounts, new RateLimiter(httpConfig.rateLimits()),
                    metricsOn ? metrics : RequestObserver.NONE, new HealthCheck(database));
            http.federationAuthenticator(federation.authenticator());
            if (config.federation().tls().isPresent()) {
                var tls = config.federation().tls().get();
                java.security.KeyStore keys;
                try {
                    keys = dev.starling.server.federation.net.PemKeyStore.load(tls.certificate(), tls.privateKey());
                } catch (IOException e) {
                    throw new IllegalStateException("federation TLS listener: " + e.getMessage(), e);
                }
                http.tlsListener(tls.port(), keys, dev.starling.server.federation.net.PemKeyStore.PASSWORD);
            }
            federation.authenticator().onAuthenticated(federationSender::contacted);
            int metricsPort = -1;
            if (metricsOn) {
                metricsListener = new MetricsListener(config.metrics().bindAddress(), config.metrics().port(),
                        metrics, new HealthCheck(database));
                metricsPort = metricsListener.start();
                LOG.info("metrics listening address={} port={}", config.metrics().bindAddress(), metricsPort);
            }
            int port;
            try {
                port = http.start();
            } catch (IOException e) {
                if (metricsListener != null) {
                    metricsListener.close();
                }
                throw e;
            }
            try {
                federation.awaitStarted();
                federationSender.start();
            } catch (RuntimeException e) {
                http.close();
                federationEvents.close();
                if (metricsListener != null) {
                    metricsListener.close();
                }
                throw e;
            }
            LOG.info("homeserver started server_name={} address={} port={} database={}", config.serverName(),
                    config.bindAddress(), port, config.database().kind());
            if (http.tlsPort() >= 0) {
                LOG.info("federation TLS listening address={} port={}", config.bindAddress(), http.tlsPort());
            }
            return new HomeServer(database, http, federation, port, metricsListener, metricsPort, federationSender,
                    inboundEdus, federationEvents, rooms);
        } catch (IOException e) {
            closeQuietly(federationSender);
            closeQuietly(federation);
            database.close();
            throw new UncheckedIOException("cannot listen on " + config.bindAddress() + ":" + config.port(), e);
        } catch (RuntimeException e) {
            closeQuietly(federationSender);
            closeQuietly(federation);
            database.close();
            throw e;
        }
    }

    private static void closeQuietly(FederationSender sender) {
        if (sender != null) {
            sender.close();
        }
    }

    private static void closeQuietly(Federation federation) {
        if (federation != null) {
            try {
                federation.close();
            } catch (RuntimeException e) {
                LOG.warn("cannot stop the federation client error={}", e.toString());
            }
        }
    }

    /** Where the configured database is (for admin tools that open it beside or instead of the server). */
    public static DatabaseConfig databaseConfig(ServerConfig config) {
        ServerConfig.Database db = config.database();
        return switch (db.kind()) {
            case SQLITE -> DatabaseConfig.sqlite(config.dataDir());
            case POSTGRES -> DatabaseConfig.postgres(db.url(), db.user(), db.password());
        };
    }

    /** The server's database (for admin tools and tests that check what was stored). */
    public Database database() {
        return database;
    }

    /** The port the HTTP listener is bound to (the configured one, or the one chosen for port 0). */
    public int port() {
        return port;
    }

    /** The port of the metrics listener, or empty when metrics are off. */
    public java.util.OptionalInt metricsPort() {
        return metricsListener == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(metricsPort);
    }

    /** The rooms (tests look at the windows of /sync, {@code rooms.stream()}). */
    public Rooms rooms() {
        return rooms;
    }

    /** The outbound federation queues (tests look at them). */
    public FederationSender federationSender() {
        return federationSender;
    }

    /** Where the EDUs of inbound transactions go (the {@code /send} handler calls it). */
    public InboundEdus inboundEdus() {
        return inboundEdus;
    }

    /** The federation parts (tests reach the key ring and the outbound client through it). */
    public Federation federation() {
        return federation;
    }

    @Override
    public void close() {
        http.close();
        federationEvents.close();
        federationSender.close();
        federation.close();
        if (metricsListener != null) {
            metricsListener.close();
        }
        database.close();
    }
}
