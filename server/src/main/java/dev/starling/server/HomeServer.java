package dev.starling.server;

import dev.starling.protocol.crypto.SigningKey;
import dev.starling.server.config.ServerConfig;
import dev.starling.server.discovery.DiscoveryApi;
import dev.starling.server.http.HttpServerConfig;
import dev.starling.server.http.MatrixHttpServer;
import dev.starling.server.http.Rate;
import dev.starling.server.http.RateLimit;
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
import dev.starling.server.sync.SyncFilters;
import dev.starling.server.storage.DatabaseConfig;
import dev.starling.server.users.Accounts;
import dev.starling.server.users.AccountsApi;
import dev.starling.server.users.DeviceStore;
import dev.starling.server.users.PasswordHasher;
import dev.starling.server.users.RegistrationTokenStore;
import dev.starling.server.users.UserStore;
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
     */
    public record Tuning(PasswordHasher.Cost passwordCost, Map<RateLimit, Rate> rateLimits) {
        public Tuning {
            Objects.requireNonNull(passwordCost, "passwordCost");
            rateLimits = Map.copyOf(rateLimits);
        }

        public static Tuning defaults() {
            return new Tuning(PasswordHasher.DEFAULT_COST, Map.of());
        }
    }

    private final Database database;
    private final MatrixHttpServer http;
    private final int port;
    private final MetricsListener metricsListener; // null when metrics are off
    private final int metricsPort;

    private HomeServer(Database database, MatrixHttpServer http, int port, MetricsListener metricsListener,
            int metricsPort) {
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
        SecureRandom random = new SecureRandom();
        Clock clock = Clock.systemUTC();
        Database database = Database.open(databaseConfig);
        MetricsListener metricsListener = null;
        try {
            UserStore userStore = new UserStore(database, clock);
            Accounts accounts = new Accounts(config.serverName(), userStore,
                    new DeviceStore(database, clock), new PasswordHasher(tuning.passwordCost(), random), random);
            AccountsApi accountsApi = new AccountsApi(accounts,
                    new AccountsApi.RegistrationPolicy(config.openRegistration(), config.registrationTokens()),
                    new RegistrationTokenStore(database, clock), clock, random);
            Notifier notifier = new Notifier();
            ServerMetrics metrics = new ServerMetrics(notifier::waitingSyncs);
            boolean metricsOn = config.metrics().enabled();
            if (metricsOn) {
                database.listen(metrics);
            }
            Rooms rooms = new Rooms(config.serverName(), signingKey, database, clock, random,
                    user -> user.server().equals(config.serverName()) && userStore.exists(user),
                    metricsOn ? metrics.countingEvents(notifier) : notifier);
            EphemeralStream ephemeral = new EphemeralStream();
            SyncApi sync = new SyncApi(rooms.stream(), ephemeral, notifier, SyncFilters.INLINE_ONLY, List.of());
            DiscoveryApi discovery = new DiscoveryApi(URI.create(config.publicBaseUrl()));
            HttpServerConfig httpConfig = new HttpServerConfig(config.bindAddress(), config.port(),
                    HttpServerConfig.DEFAULT_MAX_JSON_BODY_BYTES, true, false, tuning.rateLimits());
            MatrixHttpServer http = new MatrixHttpServer(httpConfig,
                    ClientServerRoutes.router(discovery, accountsApi, rooms.api(), rooms.membershipApi(),
                            rooms.messagesApi(), sync), accounts, new RateLimiter(httpConfig.rateLimits()),
                    metricsOn ? metrics : RequestObserver.NONE, new HealthCheck(database));
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
            LOG.info("homeserver started server_name={} address={} port={} database={}", config.serverName(),
                    config.bindAddress(), port, config.database().kind());
            return new HomeServer(database, http, port, metricsListener, metricsPort);
        } catch (IOException e) {
            database.close();
            throw new UncheckedIOException("cannot listen on " + config.bindAddress() + ":" + config.port(), e);
        } catch (RuntimeException e) {
            database.close();
            throw e;
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

    @Override
    public void close() {
        http.close();
        if (metricsListener != null) {
            metricsListener.close();
        }
        database.close();
    }
}
