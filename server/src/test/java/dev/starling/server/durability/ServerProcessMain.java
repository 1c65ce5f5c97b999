package dev.starling.server.durability;

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
 * A homeserver in a process of its own, for tests that kill it ({@link ServerProcess}): {@code <data dir>
 * <port file> [<PostgreSQL JDBC URL>]}. SQLite in the data directory unless a URL is given; the signing key
 * lives in the data directory, so a restart on the same directory is the same server. Once listening, it
 * writes its port to the port file (atomically) and runs until killed.
 */
public final class ServerProcessMain {
    private ServerProcessMain() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path portFile = Path.of(args[1]);
        DatabaseConfig database = args.length > 2 ? DatabaseConfig.postgres(args[2], "", "") : DatabaseConfig.sqlite(dataDir);
        ServerConfig config = new ServerConfig(ServerName.parse("example.org"), dataDir, "127.0.0.1", 0,
                "http://example.org", true, List.of(),
                new ServerConfig.Database(ServerConfig.Database.Kind.SQLITE, "", "", ""));
        Map<RateLimit, Rate> generous = new EnumMap<>(RateLimit.class);
        for (RateLimit limit : RateLimit.values()) {
            generous.put(limit, new Rate(100_000, 100_000));
        }
        HomeServer server = HomeServer.start(config, database,
                new HomeServer.Tuning(new PasswordHasher.Cost(64, 1, 1), generous));
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(server.port()), StandardCharsets.UTF_8);
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Thread.currentThread().join();
    }
}
