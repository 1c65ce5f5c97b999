package dev.starling.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.FederationConfig;
import dev.starling.server.federation.net.Cidr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The homeserver's configuration, read from a YAML file whose every key is optional (see {@link #OPTIONS} for
 * the keys, their defaults and their documentation).
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

    /** Every key of the file, in the order of the generated file. */
    static final List<ConfigOption> OPTIONS = List.of(
            new ConfigOption("server_name", "localhost:8008",
                    "The server's name: the part after ':' in user IDs (@alice:example.org). It cannot change once\n"
                            + "users exist. A port is part of the name (localhost:8008)."),
            new ConfigOption("data_dir", "./data",
                    "Where Starling keeps its SQLite database, signing key and media. Relative paths are relative to\n"
                            + "this file's folder."),
            new ConfigOption("http.bind_address", "127.0.0.1",
                    "The address the HTTP listener binds to. 0.0.0.0 or :: to listen on every interface."),
            new ConfigOption("http.port", "8008", "The HTTP listener's port."),
            new ConfigOption("http.public_base_url", "\"\"",
                    "The URL clients reach this server at, announced in /.well-known/matrix/client.\n"
                            + "Empty: http://<server_name>."),
            new ConfigOption("registration.open", "false",
                    "Let anyone register an account without a registration token. Keep it off on a server\n"
                            + "reachable from the internet."),
            new ConfigOption("registration.tokens", "[]",
                    "Registration tokens (m.login.registration_token) that allow registration when it is not open."),
            new ConfigOption("database.type", "sqlite",
                    "sqlite (a file in data_dir; nothing to set up) or postgres."),
            new ConfigOption("database.url", "\"\"",
                    "For postgres: the JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/starling"),
            new ConfigOption("database.user", "\"\"", "For postgres: the database user."),
            new ConfigOption("database.password", "\"\"", "For postgres: the database user's password."),
            new ConfigOption("max_upload_size", "50M",
                    "The largest media upload accepted, in bytes, or with a suffix K, M or G (powers of 1024).\n"
                            + "Larger uploads are refused while they stream in (413 M_TOO_LARGE); clients read it at\n"
                            + "/_matrix/client/v1/media/config."),
            new ConfigOption("presence.enabled", "true",
                    "Track users' presence (online, unavailable, offline), show it in /sync to users sharing a\n"
                            + "room and send it to their servers. Off: PUT /presence is accepted and ignored, and\n"
                            + "everyone reads as offline."),
            new ConfigOption("metrics.enabled", "false",
                    "Serve Prometheus metrics (GET /metrics, text format) on a listener of their own. The metrics\n"
                            + "hold no user data (routes are templates, never paths) but tell traffic: keep the\n"
                            + "listener on loopback or an internal network."),
            new ConfigOption("metrics.bind_address", "127.0.0.1", "The address the metrics listener binds to."),
            new ConfigOption("metrics.port", "9000", "The metrics listener's port."),
            new ConfigOption("federation.key_validity", "1d",
                    "How long other servers may cache this server's signing key: the valid_until_ts of\n"
                            + "/_matrix/key/v2/server is now plus this. A number with s, m, h or d; at most 7d."),
            new ConfigOption("federation.trust_store", "\"\"",
                    "A trust store (PKCS12 or JKS) with the CAs whose certificates other servers may present, for a\n"
                            + "private CA. Empty: the JDK's trust store (the public web PKI)."),
            new ConfigOption("federation.trust_store_password", "\"\"", "The trust store's password, if it has one."),
            new ConfigOption("federation.ip_range_allowlist", "[]",
                    "Networks (CIDR, e.g. 10.8.0.0/16) this server may connect to although the outbound IP blocklist\n"
                            + "covers them (private, loopback, link-local, multicast, documentation ranges). For a\n"
                            + "private federation or a mesh; never list networks that untrusted servers could name."),
            new ConfigOption("federation.tls_certificate", "\"\"",
                    "A PEM file with this server's TLS certificate (then its chain) for the federation listener:\n"
                            + "other servers always connect with HTTPS. Empty: no TLS listener (TLS is terminated by a\n"
                            + "reverse proxy in front of port 8448, or federation is off)."),
            new ConfigOption("federation.tls_private_key", "\"\"",
                    "A PEM file with the certificate's private key, unencrypted PKCS#8 (BEGIN PRIVATE KEY; convert\n"
                            + "others with openssl pkcs8 -topk8 -nocrypt)."),
            new ConfigOption("federation.tls_port", "8448",
                    "The federation TLS listener's port (same bind address and routes as the main listener): the\n"
                            + "port in server_name, or 8448 when server_name has none."));

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,18})([KkMmGg]?)");

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
        StringBuilder out = new StringBuilder("# Starling homeserver configuration. Every key is optional; shown are the defaults.\n");
        String section = "";
        for (ConfigOption option : OPTIONS) {
            int dot = option.path().indexOf('.');
            String indent = "";
            String key = option.path();
            if (dot > 0) {
                String head = option.path().substring(0, dot);
                if (!head.equals(section)) {
                    out.append('\n').append(head).append(":\n");
                    section = head;
                }
                indent = "  ";
                key = option.path().substring(dot + 1);
            } else {
                out.append('\n');
                section = "";
            }
            for (String line : option.doc().split("\n")) {
                out.append(indent).append("# ").append(line).append('\n');
            }
            out.append(indent).append(key).append(": ").append(option.defaultYaml()).append('\n');
        }
        return out.toString();
    }

    /** Parses YAML text; relative paths resolve against {@code baseDir}. Reports every problem at once. */
    public static ServerConfig parse(String yaml, Path baseDir) {
        JsonNode root;
        try {
            root = yaml.isBlank() ? YAML.createObjectNode() : YAML.readTree(yaml);
        } catch (IOException e) {
            throw new ConfigException(List.of("not valid YAML: " + firstLine(e.getMessage())));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = YAML.createObjectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(List.of("the file must be a mapping of keys to values"));
        }
        List<String> problems = new ArrayList<>();
        checkKnownKeys(root, problems);
        Reader reader = new Reader(root, problems);

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
        FederationConfig federation = federation(reader, baseDir, problems);
        Presence presence = new Presence(reader.bool("presence.enabled"));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new ServerConfig(serverName, dataDir, bind, port, base, open, tokens, database, maxUploadSize, metrics,
                federation, presence);
    }

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})([smhd])");

    private static FederationConfig federation(Reader reader, Path baseDir, List<String> problems) {
        FederationConfig federation = FederationConfig.defaults();
        String validity = reader.text("federation.key_validity").strip();
        Matcher m = DURATION.matcher(validity);
        Duration keyValidity = null;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            keyValidity = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        if (keyValidity == null || keyValidity.isZero() || keyValidity.compareTo(Duration.ofDays(7)) > 0) {
            problems.add("federation.key_validity: must be a duration such as 12h or 1d, above zero and at most 7d");
        } else {
            federation = federation.withKeyValidity(keyValidity);
        }
        String trustStore = reader.text("federation.trust_store");
        if (!trustStore.isEmpty()) {
            federation = federation.withTrustStore(baseDir.resolve(trustStore).normalize(),
                    reader.text("federation.trust_store_password"));
        }
        List<Cidr> allowed = new ArrayList<>();
        for (String network : reader.texts("federation.ip_range_allowlist")) {
            try {
                allowed.add(Cidr.parse(network));
            } catch (IllegalArgumentException e) {
                problems.add("federation.ip_range_allowlist: \"" + network + "\" is not an IP network (CIDR)");
            }
        }
        federation = federation.withAllowedNetworks(allowed);
        String certificate = reader.text("federation.tls_certificate");
        String privateKey = reader.text("federation.tls_private_key");
        if (certificate.isEmpty() != privateKey.isEmpty()) {
            problems.add("federation.tls_certificate and federation.tls_private_key: give both or neither");
        } else if (!certificate.isEmpty()) {
            String tlsPort = reader.text("federation.tls_port").strip();
            int port = tlsPort.matches("[0-9]{1,5}") ? Integer.parseInt(tlsPort) : -1;
            if (port < 1 || port > 65535) {
                problems.add("federation.tls_port: must be a port number (1-65535)");
            } else {
                federation = federation.withTls(new FederationConfig.TlsListener(port,
                        baseDir.resolve(certificate).normalize(), baseDir.resolve(privateKey).normalize()));
            }
        }
        return federation;
    }

    private static void checkKnownKeys(JsonNode root, List<String> problems) {
        Set<String> known = new LinkedHashSet<>();
        Set<String> sections = new LinkedHashSet<>();
        for (ConfigOption option : OPTIONS) {
            known.add(option.path());
            int dot = option.path().indexOf('.');
            if (dot > 0) {
                sections.add(option.path().substring(0, dot));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            if (sections.contains(key)) {
                if (!entry.getValue().isObject()) {
                    problems.add(key + ": must be a mapping");
                    continue;
                }
                entry.getValue().fieldNames().forEachRemaining(sub -> {
                    if (!known.contains(key + "." + sub)) {
                        problems.add(key + "." + sub + ": unknown key");
                    }
                });
            } else if (!known.contains(key)) {
                problems.add(key + ": unknown key");
            }
        }
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

    /** Reads typed values by dotted path, falling back to the documented default and collecting problems. */
    private record Reader(JsonNode root, List<String> problems) {
        private JsonNode node(String path) {
            JsonNode node = root;
            for (String part : path.split("\\.")) {
                node = node == null ? null : node.get(part);
            }
            if (node == null || node.isNull()) {
                try {
                    return YAML.readTree(defaultOf(path));
                } catch (IOException e) {
                    throw new IllegalStateException("default of " + path + " is not YAML", e);
                }
            }
            return node;
        }

        private static String defaultOf(String path) {
            return OPTIONS.stream().filter(o -> o.path().equals(path)).findFirst().orElseThrow().defaultYaml();
        }

        String text(String path) {
            JsonNode node = node(path);
            if (!node.isValueNode() || node.isBoolean()) {
                problems.add(path + ": must be a string");
                return "";
            }
            return node.asText();
        }

        int integer(String path) {
            JsonNode node = node(path);
            if (!node.canConvertToInt() || !node.isIntegralNumber()) {
                problems.add(path + ": must be a whole number");
                return 0;
            }
            return node.intValue();
        }

        /** A positive byte count: a whole number, or one with a suffix K, M or G (powers of 1024). */
        long size(String path) {
            JsonNode node = node(path);
            String text = node.isIntegralNumber() ? Long.toString(node.longValue()) : node.isTextual() ? node.textValue() : "";
            Matcher m = SIZE.matcher(text.strip());
            if (m.matches()) {
                long unit = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                    case "K" -> 1L << 10;
                    case "M" -> 1L << 20;
                    case "G" -> 1L << 30;
                    default -> 1L;
                };
                try {
                    long value = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
                    if (value > 0) {
                        return value;
                    }
                } catch (ArithmeticException | NumberFormatException tooBig) {
                    // reported below
                }
            }
            problems.add(path + ": must be a positive size in bytes, optionally with K, M or G (e.g. 50M)");
            return DEFAULT_MAX_UPLOAD_SIZE;
        }

        boolean bool(String path) {
            JsonNode node = node(path);
            if (!node.isBoolean()) {
                problems.add(path + ": must be true or false");
                return false;
            }
            return node.booleanValue();
        }

        List<String> texts(String path) {
            JsonNode node = node(path);
            if (!node.isArray()) {
                problems.add(path + ": must be a list of strings");
                return List.of();
            }
            List<String> values = new ArrayList<>();
            for (JsonNode element : node) {
                if (!element.isTextual() || element.textValue().isEmpty()) {
                    problems.add(path + ": every entry must be a non-empty string");
                } else {
                    values.add(element.textValue());
                }
            }
            return values;
        }
    }
}
