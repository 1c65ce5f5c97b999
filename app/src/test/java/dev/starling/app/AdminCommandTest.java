package dev.starling.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.HomeServer;
import dev.starling.server.config.ServerConfig;
import dev.starling.server.http.Rate;
import dev.starling.server.http.RateLimit;
import dev.starling.server.users.PasswordHasher;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code starling admin}: users and registration tokens on the configured SQLite database, also while a server
 * runs on it; passwords are never printed, a generated token once.
 */
class AdminCommandTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Production wiring, with rate limits raised: the tests register faster than any person. */
    private static final HomeServer.Tuning TUNING = new HomeServer.Tuning(PasswordHasher.DEFAULT_COST,
            java.util.Arrays.stream(RateLimit.values()).collect(java.util.stream.Collectors.toMap(
                    limit -> limit, limit -> new Rate(1000, 1000))));

    @TempDir Path dir;
    Path config;

    @BeforeEach
    void writeConfig() throws Exception {
        config = dir.resolve("starling.yaml");
        Files.writeString(config, "server_name: example.org\ndata_dir: data\nhttp:\n  port: 0\n");
    }

    @Test
    void createUserFromAPasswordFileLogsInOnTheRunningServerAndNeverPrintsThePassword() throws Exception {
        try (HomeServer server = HomeServer.start(ServerConfig.loadOrCreate(config), TUNING)) {
            Path secret = dir.resolve("pw");
            Files.writeString(secret, "correct horse battery\n");
            CommandRun run = new CommandRun();

            assertThat(run.run("admin", "create-user", "Alice", "--admin", "--password-file", secret.toString(),
                    "--config", config.toString())).as(run.err.toString()).isZero();
            assertThat(run.out.toString()).contains("Created admin user @alice:example.org");
            assertThat(run.out + run.err.toString()).doesNotContain("horse");

            assertThat(login(server.port(), "alice", "correct horse battery")).isEqualTo(200);
            assertThat(login(server.port(), "alice", "correct horse battery\n")).as("the newline is dropped").isEqualTo(403);

            CommandRun again = new CommandRun();
            assertThat(again.run("admin", "create-user", "alice", "--password-file", secret.toString(),
                    "--config", config.toString())).isEqualTo(1);
            assertThat(again.err.toString()).contains("@alice:example.org already exists");
        }
    }

    @Test
    void createUserReadsStandardInputAndRefusesBadNamesAndMissingPasswords() throws Exception {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream("from stdin\n".getBytes(StandardCharsets.UTF_8)));
            CommandRun run = new CommandRun();
            assertThat(run.run("admin", "create-user", "bob", "--password-stdin", "--config", config.toString()))
                    .as(run.err.toString()).isZero();
            assertThat(run.out.toString()).contains("Created user @bob:example.org").doesNotContain("from stdin");
        } finally {
            System.setIn(saved);
        }
        try (HomeServer server = HomeServer.start(ServerConfig.loadOrCreate(config), TUNING)) {
            assertThat(login(server.port(), "bob", "from stdin")).isEqualTo(200);
        }

        Path secret = dir.resolve("pw");
        Files.writeString(secret, "pw");
        CommandRun badName = new CommandRun();
        assertThat(badName.run("admin", "create-user", "bad name!", "--password-file", secret.toString(),
                "--config", config.toString())).isEqualTo(2);
        assertThat(badName.err.toString()).contains("invalid user name");
        CommandRun noPassword = new CommandRun();
        assertThat(noPassword.run("admin", "create-user", "carol", "--config", config.toString())).isEqualTo(2);
        assertThat(noPassword.err.toString()).contains("--password-file").contains("--password-stdin");
        CommandRun empty = new CommandRun();
        Files.writeString(secret, "\n");
        assertThat(empty.run("admin", "create-user", "carol", "--password-file", secret.toString(),
                "--config", config.toString())).isEqualTo(2);
        assertThat(empty.err.toString()).contains("the password is empty");
        CommandRun noConfig = new CommandRun();
        assertThat(noConfig.run("admin", "create-user", "carol", "--password-file", secret.toString(),
                "--config", dir.resolve("missing.yaml").toString())).isEqualTo(2);
        assertThat(dir.resolve("missing.yaml")).doesNotExist();
    }

    @Test
    void aTokenCreatedWhileTheServerRunsLetsExactlyAsManyRegisterAsItsUses() throws Exception {
        try (HomeServer server = HomeServer.start(ServerConfig.loadOrCreate(config), TUNING)) {
            int port = server.port();
            assertThat(registerStart(port, "dave").statusCode()).as("closed without tokens").isEqualTo(403);

            CommandRun create = new CommandRun();
            assertThat(create.run("admin", "registration-token", "create", "--uses", "1", "--expires-in", "7d",
                    "--config", config.toString())).as(create.err.toString()).isZero();
            String[] lines = create.out.toString().strip().split("\n");
            String token = lines[lines.length - 1].strip();
            assertThat(token).matches("[A-Za-z0-9]{24}");
            assertThat(lines[0]).contains("uses: 1").contains("shown only now");

            assertThat(validity(port, token)).contains("\"valid\":true");
            assertThat(registerWithToken(port, "dave", token).statusCode()).isEqualTo(200);
            assertThat(validity(port, token)).contains("\"valid\":false");
            assertThat(registerWithToken(port, "erin", token).statusCode()).as("used up").isEqualTo(401);

            CommandRun list = new CommandRun();
            assertThat(list.run("admin", "registration-token", "list", "--config", config.toString())).isZero();
            assertThat(list.out.toString()).contains(token.substring(0, 4) + "…").doesNotContain(token)
                    .containsPattern(token.substring(0, 4) + "…\\s+1\\s+0\\s+1\\s")
                    .contains("1 stored token(s)");

            CommandRun chosen = new CommandRun();
            assertThat(chosen.run("admin", "registration-token", "create", "--token", "team-2026",
                    "--config", config.toString())).isZero();
            assertThat(chosen.out.toString()).doesNotContain("team-2026").contains("uses: unlimited");
            assertThat(registerWithToken(port, "frank", "team-2026").statusCode()).isEqualTo(200);
            CommandRun duplicate = new CommandRun();
            assertThat(duplicate.run("admin", "registration-token", "create", "--token", "team-2026",
                    "--config", config.toString())).isEqualTo(1);

            CommandRun delete = new CommandRun();
            assertThat(delete.run("admin", "registration-token", "delete", "team-2026", "--config", config.toString()))
                    .isZero();
            assertThat(validity(port, "team-2026")).contains("\"valid\":false");
            CommandRun deleteAgain = new CommandRun();
            assertThat(deleteAgain.run("admin", "registration-token", "delete", "team-2026",
                    "--config", config.toString())).isEqualTo(1);
        }
    }

    @Test
    void badTokenOptionsAreUsageErrors() {
        for (String[] args : new String[][] {
                {"--uses", "0"}, {"--expires-in", "soon"}, {"--expires-in", "-P1D"}, {"--token", "has space"},
                {"--token", "x".repeat(65)}}) {
            CommandRun run = new CommandRun();
            String[] full = new String[args.length + 5];
            full[0] = "admin";
            full[1] = "registration-token";
            full[2] = "create";
            System.arraycopy(args, 0, full, 3, args.length);
            full[args.length + 3] = "--config";
            full[args.length + 4] = config.toString();
            assertThat(run.run(full)).as(String.join(" ", args)).isEqualTo(2);
        }
        assertThat(AdminTokenCommand.parseDuration("12h")).hasHours(12);
        assertThat(AdminTokenCommand.parseDuration("2w")).hasDays(14);
        assertThat(AdminTokenCommand.parseDuration("PT30M")).hasMinutes(30);
    }

    @Test
    void theHelpSaysItWorksWhileTheServerRuns() {
        CommandRun run = new CommandRun();
        run.run("admin", "--help");
        assertThat(run.out.toString()).contains("WAL").contains("create-user").contains("registration-token");
    }

    private static int login(int port, String user, String password) throws Exception {
        String body = "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"" + user
                + "\"},\"password\":\"" + password.replace("\n", "\\n") + "\"}";
        return post(port, "/_matrix/client/v3/login", body).statusCode();
    }

    private static HttpResponse<String> registerStart(int port, String user) throws Exception {
        return post(port, "/_matrix/client/v3/register", "{\"username\":\"" + user + "\",\"password\":\"pw\"}");
    }

    private static HttpResponse<String> registerWithToken(int port, String user, String token) throws Exception {
        HttpResponse<String> challenge = registerStart(port, user);
        assertThat(challenge.statusCode()).isEqualTo(401);
        String session = challenge.body().replaceAll(".*\"session\":\"([^\"]+)\".*", "$1");
        return post(port, "/_matrix/client/v3/register", "{\"username\":\"" + user + "\",\"password\":\"pw\","
                + "\"auth\":{\"type\":\"m.login.registration_token\",\"token\":\"" + token + "\",\"session\":\""
                + session + "\"}}");
    }

    private static String validity(int port, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/_matrix/client/v1/register/m.login.registration_token/validity?token=" + token)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static HttpResponse<String> post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
