package dev.starling.server.config;

import dev.starling.server.federation.FederationConfig;
import dev.starling.server.federation.net.Cidr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of the configuration's {@code federation} section into a {@link FederationConfig}. */
final class FederationSection {
    private FederationSection() {}

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})([smhd])");

    /** The {@code federation.*} keys: key validity, trust store, IP allowlist and the TLS listener. */
    static FederationConfig read(ConfigReader reader, Path baseDir, List<String> problems) {
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
}
