package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.server.config.ConfigException;
import dev.starling.server.config.ServerConfig;
import dev.starling.server.federation.net.Cidr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code federation.*} keys of starling.yaml: typed, documented, defaults as the README says. */
class FederationConfigFileTest {
    @Test
    void defaultsAreOneDayTheJdkTrustStoreAndNoExemptions() {
        FederationConfig federation = ServerConfig.parse("", Path.of("/srv")).federation();
        assertThat(federation.keyValidity()).isEqualTo(Duration.ofDays(1));
        assertThat(federation.trustStore()).isEmpty();
        assertThat(federation.allowedNetworks()).isEmpty();
        assertThat(federation.plaintextHttp()).isFalse();
        assertThat(ServerConfig.defaultFile()).contains("federation:", "key_validity: 1d", "trust_store: \"\"",
                "ip_range_allowlist: []");
    }

    @Test
    void readsEveryKey() {
        FederationConfig federation = ServerConfig.parse("""
                federation:
                  key_validity: 12h
                  trust_store: certs/private-ca.p12
                  trust_store_password: secret
                  ip_range_allowlist: ["10.8.0.0/16", "fd00::/8"]
                """, Path.of("/srv")).federation();
        assertThat(federation.keyValidity()).isEqualTo(Duration.ofHours(12));
        assertThat(federation.trustStore()).isEqualTo(Optional.of(Path.of("/srv/certs/private-ca.p12")));
        assertThat(federation.trustStorePassword()).isEqualTo("secret");
        assertThat(federation.allowedNetworks()).containsExactly(Cidr.parse("10.8.0.0/16"), Cidr.parse("fd00::/8"));
    }

    @Test
    void refusesBadValues() {
        assertThatThrownBy(() -> ServerConfig.parse("federation:\n  key_validity: 8d\n", Path.of(".")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("federation.key_validity");
        assertThatThrownBy(() -> ServerConfig.parse("federation:\n  key_validity: soon\n", Path.of(".")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("federation.key_validity");
        assertThatThrownBy(() -> ServerConfig.parse("federation:\n  ip_range_allowlist: [\"intranet\"]\n",
                Path.of("."))).isInstanceOf(ConfigException.class).hasMessageContaining("ip_range_allowlist");
    }
}
