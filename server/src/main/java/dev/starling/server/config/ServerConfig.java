package dev.starling.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.FederationConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The homeserver's configuration, read from a YAML file whose every key is optional (see {@link ConfigOptions#ALL}
 * for the keys, their defaults and their documentation; {@link ConfigReader} reads them, {@link FederationSection}
 * the {@code federation} section).
 *
 * @param serverName the name after the ':' in user IDs; it cannot change once users exist
 * @param dataDir where the database, signing key and media live
 * @param bindAddress the address the HTTP listener binds to
 * @param port the HTTP listener's port (0: any free port)
 * @param publicBaseUrl the URL clients use, served at {@code /.well-known/matrix/client}
 * @param openRegistration whether anyone may register without a token
 * @param registrationTokens tokens that allow registration when it is not open
 * @param database which database to use and how to reach it
 * @param maxUploadSize the largest media upload accepted, in bytes (default {@value #DEFAULT_MAX_UPLOAD_SIZE})
 * @param metrics the Prometheus metrics listener (off by default)
 * @param federation outbound federation: key validity, trust store, IP blocklist exemptions (see
 *     {@link FederationConfig})
 * @param presence presence (on by default, as Synapse's {@code presence.enabled})
 */
public record ServerConfig(
        ServerName serverName,
        Path dataDir,
        String bindAddress,
        int port,
        String publicBaseUrl,
        boolean openRegistration,
        List<String> registrationTokens,
        Database database,
        long maxUploadSize,
        Metrics metrics,
        FederationConfig federation,
        Presence presence) {
    /** 50 MiB, as Synapse's default {@code max_upload_size: 50M}. */
    public static final long DEFAULT_MAX_UPLOAD_SIZE = 50L * 1024 * 1024;

    /**
     * The metrics listener: a separate port serving {@code /metrics} in the Prometheus text format, as
     * Synapse's {@code metrics} listener (port 9000 in its documentation).
     */
    public record Metrics(boolean enabled, String bindAddress, int port) {
        /** Off, as {@code metrics.*} defaults say. */
        public static Metrics disabled() {
            return new Metrics(false, "127.0.0.1", 9000);
        }
    }

    /**
     * Presence (Client-Server API § Presence): with {@code enabled} false, presence is neither tracked, shown nor
     * sent (PUT /presence is accepted and ignored; everyone reads as offline), as Synapse's
     * {@code presence.enabled: false}.
     */
    public record Presence(boolean enabled) {
        /** On, as {@code presence.enabled} defaults say. */
        public static Presence defaults() {
            return new Presence(true);
        }
    }

    /** As the record's constructor, with presence on. */
    public ServerConfig(ServerName serverName, Path dataDir, String bindAddress, int port, String publicBaseUrl,
            boolean openRegistration, List<String> registrationTokens, Database database, long maxUploadSize,
            Metrics metrics, FederationConfig federation) {
        this(serverName, dataDir, bindAddress, port, publicBaseUrl, openRegistration, registrationTokens, database,
                maxUploadSize, metrics, federation, Presence.defaults());
    }

    /** A copy with presence on or off. */
    public ServerConfig withPresence(boolean enabled) {
        return new ServerConfig(serverName, dataDir, bindAddress, port, publicBaseUrl, openRegistration,
                registrationTokens, database, maxUploadSize, metrics, federation, new Presence(enabled));
    }

    /** As the record's constructor, with the default federation settings. */
    public ServerConfig(ServerName serverName, Path dataDir, String bindAddress, int port, String publicBaseUrl,
            boolean openRegistration, List<String> registrationTokens, Database database, long maxUploadSize,
            Metrics metrics) {
        this(serverName, dataDir, bindAddress, port, publicBaseUrl, openRegistration, registrationTokens, database,
                maxUploadSize, metrics, FederationConfig.defaults());
    }

    /** A copy with other federation settings (tests: loopback allowed, plain HTTP). */
    public ServerConfig withFederation(FederationConfig newFederation) {
        return new ServerConfig(serverName, dataDir, bindAddress, port, publicBaseUrl, openRegistration,
                registrationTokens, database, maxUploadSize, metrics, newFederation, presence);
    }

    /** As the record's constructor, with the metrics listener off. */
    public ServerConfig(ServerName serverName, Path dataDir, String bindAddress, int port, String publicBaseUrl,
            boolean openRegistration, List<String> registrationTokens, Database database, long maxUploadSize) {
        this(serverName, dataDir, bindAddress, port, publicBaseUrl, openRegistration, registrationTokens, database,
                maxUploadSize, Metrics.disabled());
    }

    /** The database section: SQLite in the data directory, or PostgreSQL at a JDBC URL. */
    public record Database(Kind kind, String url, String user, String password) {
        public enum Kind { SQLITE, POSTGRES }

        @Override
        public String toString() {
            return "Database[" + kind + " " + url + " user " + user + "]";
        }
    }

    public ServerConfig {
        registrationTokens = List.copyOf(registrationTokens);
        java.util.Objects.requireNonNull(federation, "federation");
        java.util.Objects.requireNonNull(presence, "presence");
        if (maxUploadSize <= 0) {
            throw new IllegalArgumentException("maxUploadSize is positive, got " + maxUploadSize);
        }
    }

    /** A configuration with the default {@link #maxUploadSize}. */
    public ServerConfig(ServerName serverName, Path dataDir, String bindAddress, int port, String publicBaseUrl,
            boolean openRegistration, List<String> registrationTokens, Database database) {
        this(serverName, dataDir, bindAddress, port, publicBaseUrl, openRegistration, registrationTokens, database,
                DEFAULT_MAX_UPLOAD_SIZE, Metrics.disabled());
    }

    /** A copy with another {@link #maxUploadSize}. */
    public ServerConfig withMaxUploadSize(long bytes) {
        return new ServerConfig(serverName, dataDir, bindAddress, port, publicBaseUrl, openRegistration,
                registrationTokens, database, bytes, metrics, federation, presence);
    }

    /** Shows no registration tokens and no database password. */
    @Override
    public String toString() {
        return "ServerConfig[" + serverName + " data " + dataDir + " http " + bindAddress + ":" + port
                + " registration " + (openRegistration ? "open" : "closed") + " (" + registrationTokens.size()
                + " tokens) " + database + " max_upload_size " + maxUploadSize + " metrics " + metrics
                + " federation key_validity " + federation.keyValidity() + " trust_store "
                + federation.trustStore().map(Path::toString).orElse("(JDK)") + " ip_range_allowlist "
                + federation.allowedNetworks() + " presence " + presence.enabled() + "]";
    }

    /** The configuration with every default, data in {@code dataDir}. */
    public static ServerConfig defaults(Path dataDir) {
        return parse("data_dir: " + quote(dataDir.toString()) + "\n", Path.of("."));
    }

    /** Reads a configuration file, or writes the documented default file there first if it does not exist. */
    public static ServerConfig loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(file, defaultFile(), StandardCharsets.UTF_8);
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toAbsolutePath().getParent());
    }

    /** The generated configuration file: every key with its documentation and default. */
    public static String defaultFile() {
        return ConfigOptions.defaultFile();
    }

    /** Parses YAML text; relative paths resolve against {@code baseDir}. Reports every problem at once. */
    public static ServerConfig parse(String yaml, Path baseDir) {
        JsonNode root;
        try {
            root = yaml.isBlank() ? ConfigReader.YAML.createObjectNode() : ConfigReader.YAML.readTree(yaml);
        } catch (IOException e) {
            throw new ConfigException(List.of("not valid YAML: " + firstLine(e.getMessage())));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = ConfigReader.YAML.createObjectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(List.of("the file must be a mapping of keys to values"));
        }
        List<String> problems = new ArrayList<>();
        ConfigOptions.checkKnownKeys(root, problems);
        ConfigReader reader = new ConfigReader(root, problems);

        ServerName serverName = null;
        String name = reader.text("server_name");
        try {
            serverName = ServerName.parse(name);
        } catch (InvalidIdentifierException e) {
            problems.add("server_name: " + e.getMessage());
        }
        Path dataDir = baseDir.resolve(reader.text("data_dir")).normalize();
        String bind = reader.text("http.bind_address");
        int port = reader.integer("http.port");
        if (port < 0 || port > 65535) {
            problems.add("http.port: " + port + " is not a port number (0 to 65535)");
        }
        String base = reader.text("http.public_base_url");
        if (base.isEmpty() && serverName != null) {
            base = "http://" + serverName.value();
        } else if (!base.isEmpty() && !base.startsWith("http://") && !base.startsWith("https://")) {
            problems.add("http.public_base_url: must start with http:// or https://");
        }
        boolean open = reader.bool("registration.open");
        List<String> tokens = reader.texts("registration.tokens");
        Database.Kind kind = null;
        String type = reader.text("database.type");
        switch (type) {
            case "sqlite" -> kind = Database.Kind.SQLITE;
            case "postgres" -> kind = Database.Kind.POSTGRES;
            default -> problems.add("database.type: \"" + type + "\" is neither sqlite nor postgres");
        }
        String url = reader.text("database.url");
        if (kind == Database.Kind.POSTGRES && !url.startsWith("jdbc:postgresql:")) {
            problems.add("database.url: postgres needs a jdbc:postgresql: URL");
        }
        Database database = new Database(kind, url, reader.text("database.user"), reader.text("database.password"));
        long maxUploadSize = reader.size("max_upload_size");
        int metricsPort = reader.integer("metrics.port");
        if (metricsPort < 0 || metricsPort > 65535) {
            problems.add("metrics.port: " + metricsPort + " is not a port number (0 to 65535)");
        }
        Metrics metrics = new Metrics(reader.bool("metrics.enabled"), reader.text("metrics.bind_address"), metricsPort);
        FederationConfig federation = FederationSection.read(reader, baseDir, problems);
        Presence presence = new Presence(reader.bool("presence.enabled"));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new ServerConfig(serverName, dataDir, bind, port, base, open, tokens, database, maxUploadSize, metrics,
                federation, presence);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
