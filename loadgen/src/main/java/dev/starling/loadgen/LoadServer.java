package dev.starling.loadgen;

import dev.starling.protocol.id.ServerName;
import dev.starling.server.HomeServer;
import dev.starling.server.config.ServerConfig;
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
 * The homeserver the load generator starts in a child process: {@code <data dir> <port file> [<PostgreSQL
 * JDBC URL>]}. The production wiring with two test knobs turned, because the load is many users on one
 * address: rate limits raised (the defaults allow a user 0.2 messages/s) and a cheap password hash (else
 * registering the users takes minutes). Writes its port to the port file once listening.
 */
public final class LoadServer {
    private LoadServer() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path portFile = Path.of(args[1]);
        DatabaseConfig database = args.length > 2 ? DatabaseConfig.postgres(args[2], "", "") : DatabaseConfig.sqlite(dataDir);
        ServerConfig config = new ServerConfig(ServerName.parse("loadgen.test"), dataDir, "127.0.0.1", 0,
                "http://loadgen.test", true, List.of(),
                new ServerConfig.Database(ServerConfig.Database.Kind.SQLITE, "", "", ""));
        Map<RateLimit, Rate> unlimited = new EnumMap<>(RateLimit.class);
        for (RateLimit limit : RateLimit.values()) {
            unlimited.put(limit, new Rate(1_000_000, 1_000_000));
        }
        HomeServer server = HomeServer.start(config, database,
                new HomeServer.Tuning(new PasswordHasher.Cost(64, 1, 1), unlimited));
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(server.port()), StandardCharsets.UTF_8);
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Thread.currentThread().join();
    }
}
