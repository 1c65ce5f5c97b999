package dev.starling.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServerCommandTest {
    @TempDir Path dir;

    @Test
    void servesOnTheConfiguredDatabaseUntilStopped() throws Exception {
        Path config = dir.resolve("starling.yaml");
        // Port 0 so the test never collides with a server on 8008; everything else stays default.
        Files.writeString(config, "http:\n  port: 0\ndata_dir: data\n");
        ServerCommand command = new ServerCommand();
        CommandLine cli = new CommandLine(command);
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));

        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> cli.execute("--config", config.toString()));
        String line = awaitListening(out);
        Matcher port = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+) ").matcher(line);
        assertThat(port.find()).as(line).isTrue();
        HttpResponse<String> versions = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port.group(1) + "/_matrix/client/versions")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(versions.statusCode()).isEqualTo(200);
        assertThat(versions.body()).contains("\"versions\"");
        assertThat(dir.resolve("data").resolve("starling.db")).exists();

        command.stop.countDown();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aConfigFileThatCannotBeCreatedIsAUsageError() throws IOException {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "");
        CommandRun run = new CommandRun();

        assertThat(run.run("server", "--config", file.resolve("starling.yaml").toString())).isEqualTo(2);
        assertThat(run.err.toString()).contains("cannot read or create");
    }

    @Test
    void anInvalidConfigIsAUsageErrorListingEveryProblem() throws IOException {
        Path config = dir.resolve("starling.yaml");
        Files.writeString(config, "server_name: \"bad name\"\nhttp:\n  port: -1\ncolour: blue\n");
        CommandRun run = new CommandRun();

        assertThat(run.run("server", "--config", config.toString())).isEqualTo(2);
        assertThat(run.err.toString())
                .contains("server_name: invalid server name")
                .contains("http.port: -1 is not a port number")
                .contains("colour: unknown key");
    }

    @Test
    void theAotTrainingRunStartsServesAndExitsLeavingNothingBehind() throws IOException {
        // The build runs this with -XX:AOTCacheOutput (app/pom.xml); it must exit 0 for the cache to be written.
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = trainingDirs(tmp);
        CommandRun run = new CommandRun();

        assertThat(run.run("server", "--aot-training")).as(run.err.toString()).isZero();
        assertThat(trainingDirs(tmp)).isEqualTo(before);
    }

    @Test
    void theTrainingOptionIsHiddenFromHelp() {
        CommandRun run = new CommandRun();

        assertThat(run.run("help", "server")).isZero();
        assertThat(run.out.toString()).contains("--config").doesNotContain("aot-training");
    }

    private static long trainingDirs(Path tmp) throws IOException {
        try (var entries = Files.list(tmp)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("starling-aot-training")).count();
        }
    }

    private static String awaitListening(StringWriter out) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            String text = out.toString();
            if (text.contains("is listening on")) {
                return text;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server did not report that it is listening: " + out);
    }
}
