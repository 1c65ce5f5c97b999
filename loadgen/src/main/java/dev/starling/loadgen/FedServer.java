package dev.starling.loadgen;

import dev.starling.protocol.id.ServerName;
import dev.starling.server.HomeServer;
import dev.starling.server.config.ServerConfig;
import dev.starling.server.federation.FederationConfig;
import dev.starling.server.http.Rate;
import dev.starling.server.http.RateLimit;
import dev.starling.server.storage.DatabaseConfig;
import dev.starling.server.users.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A federating homeserver for the federation scenarios, in a child process: {@code <data dir> <port> <port file>
 * [<PostgreSQL JDBC URL>]}. Named {@code 127.0.0.1:<port>} and federating over plain HTTP with loopback exempt
 * from the outbound IP blocklist (the test setting, {@link FederationConfig#loopbackForTests()}, but with the
 * production request timeout of 60 s: a restarted server's first transactions are slow), otherwise the
 * production wiring with {@link LoadServer}'s two knobs (rate limits lifted, a cheap password hash) and the
 * default sender backoff. The signing key is kept in the data directory, so a restart on the same directory and
 * port is the same server. Writes its port to the port file once listening.
 */
public final class FedServer {
    private FedServer() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        Path portFile = Path.of(args[2]);
        DatabaseConfig database = args.length > 3 ? DatabaseConfig.postgres(args[3], "", "") : DatabaseConfig.sqlite(dataDir);
        ServerName name = ServerName.parse("127.0.0.1:" + port);
        ServerConfig config = new ServerConfig(name, dataDir, "127.0.0.1", port, "http://" + name, true, List.of(),
                new ServerConfig.Database(ServerConfig.Database.Kind.SQLITE, "", "", ""),
                ServerConfig.DEFAULT_MAX_UPLOAD_SIZE, ServerConfig.Metrics.disabled(),
                FederationConfig.loopbackForTests().withRequestTimeout(FederationConfig.DEFAULT_REQUEST_TIMEOUT));
        Map<RateLimit, Rate> unlimited = new EnumMap<>(RateLimit.class);
        for (RateLimit limit : RateLimit.values()) {
            unlimited.put(limit, new Rate(1_000_000, 1_000_000));
        }
        HomeServer server = HomeServer.start(config, database,
                new HomeServer.Tuning(new PasswordHasher.Cost(64, 1, 1), unlimited));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(server.port()), StandardCharsets.UTF_8);
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Thread.currentThread().join();
    }
}
