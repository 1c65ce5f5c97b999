package dev.starling.server.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the matrix-js-sdk scripts of {@code server/src/test/clients/js/} with the {@code node} on the PATH
 * (at least 18). The SDK and Element's Rust crypto ({@code @matrix-org/matrix-sdk-crypto-wasm}) are installed
 * into that folder's {@code node_modules} by {@code npm ci} from the committed {@code package-lock.json}, which
 * {@code scripts/clients.sh} does (and {@code ./starling test} runs it); the tests themselves need no network.
 * Without them the tests are skipped with a message, except when {@code CI=true}: there they fail, as
 * {@link NioClient} does.
 *
 * <p>Each script takes the homeserver URL and server name, logs to stderr, prints one JSON report on stdout
 * ({@code steps}, {@code failures}, the SDK's failed HTTP requests under {@code http.errors}, and
 * {@code stand_ins}: endpoints the server does not serve yet that the harness answered in its place) and
 * exits non-zero on any mismatch.
 */
final class JsSdkClient {
    /** One script's whole run; the scripts bound themselves to 150 s (harness.mjs). */
    static final Duration TIMEOUT = Duration.ofSeconds(180);
    static final int NODE_MIN_MAJOR = 18;
    /**
     * Endpoints the SDK cannot start its sync loop without that this server does not serve yet: the harness
     * answers them in the server's place (only on 404 M_UNRECOGNIZED) and reports them under
     * {@code stand_ins}; the tests allow only these. Remove each one as soon as the server serves it, so that
     * the tests then prove the server's own answer.
     */
    static final Set<String> NOT_YET_SERVED = Set.of();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicBoolean warned = new AtomicBoolean();
    private static volatile String missing;
    private static volatile boolean checked;

    private final Path scripts;

    private JsSdkClient(Path scripts) {
        this.scripts = scripts;
    }

    /** The js-sdk runner, or a skip (locally) or failure (CI) explaining how to install it. */
    static JsSdkClient require() {
        String why = missingReason();
        if (why != null) {
            String how = why + ": install it with `scripts/clients.sh` (./starling test does; root if node is missing)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but " + how);
            }
            if (!warned.getAndSet(true)) {
                System.err.println("WARNING: the matrix-js-sdk client tests are skipped: " + how);
            }
            Assumptions.abort("matrix-js-sdk client test skipped: " + how);
        }
        return new JsSdkClient(scriptsDir());
    }

    /** What a script did: exit code, the JSON report from stdout (empty if none) and both outputs. */
    record Run(int exitCode, JsonNode report, String stdout, String stderr) {
        String describe() {
            return "js-sdk script exited " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }

        /** The endpoints the harness stood in for because the server answered 404 M_UNRECOGNIZED. */
        Set<String> standIns() {
            Set<String> names = new TreeSet<>();
            report.path("stand_ins").forEach(n -> names.add(n.asText()));
            return names;
        }

        /** Every kind of error answer the SDK got ("METHOD /path -> status errcode"), for the test's log. */
        List<String> httpErrors() {
            List<String> errors = new ArrayList<>();
            report.path("http").path("errors").fieldNames().forEachRemaining(errors::add);
            return errors;
        }
    }

    /** Runs {@code script} with the given arguments, killing it after {@link #TIMEOUT}. */
    Run run(String script, String... args) {
        List<String> command = new ArrayList<>(List.of("node", scripts.resolve(script).toString()));
        command.addAll(List.of(args));
        Path out = tempFile("stdout");
        Path err = tempFile("stderr");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(scripts.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(script + " did not finish within " + TIMEOUT + "\n--- stderr ---\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            JsonNode report;
            try {
                report = stdout.isBlank() ? JSON.createObjectNode() : JSON.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError(script + " printed no JSON report (" + e.getMessage() + ")\n"
                        + new Run(process.exitValue(), null, stdout, stderr).describe(), e);
            }
            Run run = new Run(process.exitValue(), report, stdout, stderr);
            System.err.println(script + ": the SDK's error answers: " + run.httpErrors());
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Null when node is new enough and loads the installed SDK and crypto, otherwise what is missing. */
    private static String missingReason() {
        if (!checked) {
            synchronized (JsSdkClient.class) {
                if (!checked) {
                    missing = probe();
                    checked = true;
                }
            }
        }
        return missing;
    }

    private static String probe() {
        Path dir;
        try {
            dir = scriptsDir();
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        if (!Files.isDirectory(dir.resolve("node_modules/matrix-js-sdk"))) {
            return dir.resolve("node_modules") + " holds no matrix-js-sdk (npm ci there)";
        }
        String check = "if (+process.versions.node.split('.')[0] < " + NODE_MIN_MAJOR + ") {"
                + " console.log('node ' + process.version + ' is older than " + NODE_MIN_MAJOR + "'); process.exit(1); }"
                + " await import('matrix-js-sdk'); await import('@matrix-org/matrix-sdk-crypto-wasm');";
        try {
            Process process = new ProcessBuilder("node", "--input-type=module", "-e", check)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "node did not load matrix-js-sdk within 60 s";
            }
            return process.exitValue() == 0 ? null
                    : "node cannot load matrix-js-sdk: " + output.strip().lines().reduce((a, b) -> b).orElse("");
        } catch (IOException e) {
            return "node could not be run (Debian packages nodejs, npm): " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** server/src/test/clients/js, from the module directory (Maven) or the repository root (an IDE). */
    private static Path scriptsDir() {
        for (Path candidate : List.of(Path.of("src/test/clients/js"), Path.of("server/src/test/clients/js"))) {
            if (Files.isDirectory(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalStateException("server/src/test/clients/js not found from " + Path.of("").toAbsolutePath());
    }

    private static Path tempFile(String suffix) {
        try {
            return Files.createTempFile("starling-js-sdk-", "." + suffix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
