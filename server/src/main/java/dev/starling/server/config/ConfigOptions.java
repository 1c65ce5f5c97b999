package dev.starling.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The documented keys of the configuration file ({@link ConfigOption}): the single table from which both the
 * generated file ({@link ServerConfig#defaultFile()}) and the reader's list of known keys come.
 */
final class ConfigOptions {
    private ConfigOptions() {}

    /** Every key of the file, in the order of the generated file. */
    static final List<ConfigOption> ALL = List.of(
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

    /** The generated configuration file: every key with its documentation and default. */
    static String defaultFile() {
        StringBuilder out = new StringBuilder("# Starling homeserver configuration. Every key is optional; shown are the defaults.\n");
        String section = "";
        for (ConfigOption option : ALL) {
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

    /** Adds a problem for every key of {@code root} not in {@link #ALL}, and for each section not a mapping. */
    static void checkKnownKeys(JsonNode root, List<String> problems) {
        Set<String> known = new LinkedHashSet<>();
        Set<String> sections = new LinkedHashSet<>();
        for (ConfigOption option : ALL) {
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
}
