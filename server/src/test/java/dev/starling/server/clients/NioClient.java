package dev.starling.server.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the matrix-nio scripts of {@code server/src/test/clients/nio/} with Debian's {@code /usr/bin/python3}
 * (packages {@code python3-matrix-nio} and {@code python3-olm}, which {@code scripts/clients.sh} installs and
 * {@code ./starling test} runs). Not pyenv's or a virtualenv's {@code python3} from the PATH: those lack the
 * Debian packages. Without nio the tests are skipped with a message, except when {@code CI=true}: there they
 * fail, as {@link dev.starling.server.storage.Backend} does for a missing PostgreSQL.
 *
 * <p>Each script takes the homeserver URL and server name, logs to stderr, prints one JSON report on stdout
 * ({@code steps}, {@code failures}) and exits non-zero on any mismatch.
 */
final class NioClient {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    /** One script's whole run, server and all; the scripts also bound themselves. */
    static final Duration TIMEOUT = Duration.ofSeconds(180);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicBoolean warned = new AtomicBoolean();
    private static volatile String missing;
    private static volatile boolean checked;

    private final Path scripts;

    private NioClient(Path scripts) {
        this.scripts = scripts;
    }

    /** The nio runner, or a skip (locally) or failure (CI) explaining how to install nio. */
    static NioClient require() {
        String why = missingReason();
        if (why != null) {
            String how = why + ": install it with `scripts/clients.sh` as root (./starling test does)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but " + how);
            }
            if (!warned.getAndSet(true)) {
                System.err.println("WARNING: the matrix-nio client tests are skipped: " + how);
            }
            Assumptions.abort("matrix-nio client test skipped: " + how);
        }
        return new NioClient(scriptsDir());
    }

    /** What a script did: exit code, the JSON report from stdout (empty if none) and both outputs. */
    record Run(int exitCode, JsonNode report, String stdout, String stderr) {
        String describe() {
            return "nio script exited " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /** Runs {@code script} with the given arguments, killing it after {@link #TIMEOUT}. */
    Run run(String script, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), scripts.resolve(script).toString()));
        command.addAll(List.of(args));
        Path out = tempFile("stdout");
        Path err = tempFile("stderr");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
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
            return new Run(process.exitValue(), report, stdout, stderr);
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

    /** Null when /usr/bin/python3 imports nio and olm, otherwise what is missing. Checked once per JVM. */
    private static String missingReason() {
        if (!checked) {
            synchronized (NioClient.class) {
                if (!checked) {
                    missing = probe();
                    checked = true;
                }
            }
        }
        return missing;
    }

    private static String probe() {
        if (!Files.isExecutable(PYTHON)) {
            return PYTHON + " is missing (Debian packages python3-matrix-nio, python3-olm)";
        }
        try {
            Process process = new ProcessBuilder(PYTHON.toString(), "-c", "import nio, olm")
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return PYTHON + " -c 'import nio, olm' did not finish";
            }
            return process.exitValue() == 0 ? null
                    : PYTHON + " cannot import matrix-nio and libolm (Debian packages python3-matrix-nio, python3-olm): "
                            + output.strip().lines().reduce((a, b) -> b).orElse("");
        } catch (IOException e) {
            return PYTHON + " could not be run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** server/src/test/clients/nio, from the module directory (Maven) or the repository root (an IDE). */
    private static Path scriptsDir() {
        for (Path candidate : List.of(Path.of("src/test/clients/nio"), Path.of("server/src/test/clients/nio"))) {
            if (Files.isDirectory(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalStateException("server/src/test/clients/nio not found from " + Path.of("").toAbsolutePath());
    }

    private static Path tempFile(String suffix) {
        try {
            return Files.createTempFile("starling-nio-", "." + suffix);
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
