package dev.starling.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
    @TempDir Path dir;

    @Test
    void anEmptyFileMeansEveryDefault() {
        ServerConfig config = ServerConfig.parse("", dir);

        assertThat(config.serverName().value()).isEqualTo("localhost:8008");
        assertThat(config.dataDir()).isEqualTo(dir.resolve("data"));
        assertThat(config.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8008);
        assertThat(config.publicBaseUrl()).isEqualTo("http://localhost:8008");
        assertThat(config.openRegistration()).isFalse();
        assertThat(config.registrationTokens()).isEmpty();
        assertThat(config.database().kind()).isEqualTo(ServerConfig.Database.Kind.SQLITE);
        assertThat(config.maxUploadSize()).isEqualTo(50L * 1024 * 1024).isEqualTo(ServerConfig.DEFAULT_MAX_UPLOAD_SIZE);
    }

    @Test
    void maxUploadSizeTakesBytesOrAUnit() {
        assertThat(ServerConfig.parse("max_upload_size: 1000", dir).maxUploadSize()).isEqualTo(1000);
        assertThat(ServerConfig.parse("max_upload_size: 10K", dir).maxUploadSize()).isEqualTo(10 * 1024);
        assertThat(ServerConfig.parse("max_upload_size: 100m", dir).maxUploadSize()).isEqualTo(100L << 20);
        assertThat(ServerConfig.parse("max_upload_size: \"2G\"", dir).maxUploadSize()).isEqualTo(2L << 30);
        for (String bad : new String[] {"0", "-5", "10T", "ten", "1.5M", "true", "99999999999999999G"}) {
            assertThatThrownBy(() -> ServerConfig.parse("max_upload_size: " + bad, dir))
                    .as(bad)
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                            "max_upload_size: must be a positive size in bytes, optionally with K, M or G (e.g. 50M)"));
        }
    }

    @Test
    void theGeneratedFileDocumentsEveryKeyAndReadsBackAsTheDefaults() throws IOException {
        Path file = dir.resolve("starling.yaml");

        ServerConfig created = ServerConfig.loadOrCreate(file);

        String text = Files.readString(file);
        for (ConfigOption option : ConfigOptions.ALL) {
            String key = option.path().substring(option.path().lastIndexOf('.') + 1);
            assertThat(text).contains(key + ": " + option.defaultYaml());
        }
        assertThat(text).contains("# The server's name");
        assertThat(created).isEqualTo(ServerConfig.parse("", dir));
    }

    @Test
    void metricsAreOffOnLoopbackByDefaultAndTheirSectionIsChecked() {
        assertThat(ServerConfig.parse("", dir).metrics()).isEqualTo(new ServerConfig.Metrics(false, "127.0.0.1", 9000));
        assertThat(ServerConfig.parse("metrics:\n  enabled: true\n  bind_address: 10.0.0.5\n  port: 9102\n", dir)
                .metrics()).isEqualTo(new ServerConfig.Metrics(true, "10.0.0.5", 9102));
        assertThatThrownBy(() -> ServerConfig.parse("metrics:\n  enabled: yes please\n  port: 70000\n  path: /m\n", dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("metrics.enabled: must be true or false")
                .hasMessageContaining("metrics.port: 70000 is not a port number")
                .hasMessageContaining("metrics.path: unknown key");
    }

    @Test
    void presenceIsOnByDefaultAndCanBeTurnedOff() {
        assertThat(ServerConfig.parse("", dir).presence().enabled()).isTrue();
        assertThat(ServerConfig.parse("presence:\n  enabled: false\n", dir).presence().enabled()).isFalse();
        assertThatThrownBy(() -> ServerConfig.parse("presence:\n  enabled: sometimes\n  idle: 5m\n", dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("presence.enabled").hasMessageContaining("presence.idle");
    }

    @Test
    void anExistingFileIsReadNotOverwritten() throws IOException {
        Path file = dir.resolve("starling.yaml");
        Files.writeString(file, "server_name: chat.example.org\nhttp:\n  port: 9000\nregistration:\n  open: true\n");

        ServerConfig config = ServerConfig.loadOrCreate(file);

        assertThat(config.serverName().value()).isEqualTo("chat.example.org");
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.openRegistration()).isTrue();
        assertThat(config.publicBaseUrl()).isEqualTo("http://chat.example.org");
        assertThat(Files.readString(file)).startsWith("server_name: chat.example.org");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String yaml = """
                server_name: "not a server"
                colour: blue
                http:
                  port: 70000
                  bindaddress: 0.0.0.0
                registration:
                  open: "yes"
                  tokens: [ok, ""]
                database:
                  type: mysql
                """;

        assertThatThrownBy(() -> ServerConfig.parse(yaml, dir))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "colour: unknown key",
                        "http.bindaddress: unknown key",
                        "server_name: invalid server name \"not a server\": character \" \" is not allowed in a DNS name",
                        "http.port: 70000 is not a port number (0 to 65535)",
                        "registration.open: must be true or false",
                        "registration.tokens: every entry must be a non-empty string",
                        "database.type: \"mysql\" is neither sqlite nor postgres"));
    }

    @Test
    void postgresNeedsAJdbcUrl() {
        assertThatThrownBy(() -> ServerConfig.parse("database:\n  type: postgres\n", dir))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("database.url: postgres needs a jdbc:postgresql: URL"));

        ServerConfig config = ServerConfig.parse(
                "database:\n  type: postgres\n  url: jdbc:postgresql://127.0.0.1/s\n  user: u\n  password: secret\n", dir);
        assertThat(config.database()).isEqualTo(new ServerConfig.Database(
                ServerConfig.Database.Kind.POSTGRES, "jdbc:postgresql://127.0.0.1/s", "u", "secret"));
    }

    @Test
    void malformedYamlAndNonMappingsAreClearErrors() {
        assertThatThrownBy(() -> ServerConfig.parse("server_name: [unclosed", dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> ServerConfig.parse("- a\n- b\n", dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be a mapping");
        assertThatThrownBy(() -> ServerConfig.parse("http: 8008\n", dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http: must be a mapping");
        assertThatThrownBy(() -> ServerConfig.parse("http:\n  public_base_url: ftp://x\n", dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must start with http:// or https://");
        assertThatThrownBy(() -> ServerConfig.parse("http:\n  port: eighty\n", dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.port: must be a whole number");
        assertThatThrownBy(() -> ServerConfig.parse("server_name: {a: 1}\n", dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server_name: must be a string");
        assertThatThrownBy(() -> ServerConfig.parse("registration:\n  tokens: abc\n", dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be a list of strings");
    }

    @Test
    void toStringShowsNeitherTokensNorPasswords() {
        ServerConfig config = ServerConfig.parse("""
                registration:
                  tokens: [s3cret-token]
                database:
                  type: postgres
                  url: jdbc:postgresql://127.0.0.1/s
                  password: hunter2
                """, dir);

        assertThat(config.toString()).doesNotContain("s3cret-token").doesNotContain("hunter2").contains("1 tokens");
    }

    @Test
    void defaultsTakeTheDataDirectory() {
        assertThat(ServerConfig.defaults(dir.resolve("d")).dataDir()).isEqualTo(dir.resolve("d"));
    }
}
