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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What every real-client runner ({@link NioClient}, {@link JsSdkClient}) does the same way: find its scripts,
 * skip (locally) or fail (CI) when the client is not installed, run a script as a child process with a hard
 * timeout, and read the JSON report it prints.
 */
final class ClientScripts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClientScripts() {}

    /** What a script did: exit code, the JSON report from stdout (empty if none) and both outputs. */
    record Output(int exitCode, JsonNode report, String stdout, String stderr) {
        String describe(String client) {
            return client + " script exited " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /**
     * Does nothing when {@code missingReason} is null; else fails under {@code CI=true} and otherwise aborts
     * the test (a skip), warning once per client on stderr.
     */
    static void requireInstalled(String client, String missingReason, String howToInstall, boolean[] warned) {
        if (missingReason == null) {
            return;
        }
        String how = missingReason + ": " + howToInstall;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + how);
        }
        synchronized (warned) {
            if (!warned[0]) {
                warned[0] = true;
                System.err.println("WARNING: the " + client + " client tests are skipped: " + how);
            }
        }
        Assumptions.abort(client + " client test skipped: " + how);
    }

    /** {@code server/src/test/clients/<name>}, from the module directory (Maven) or the repository root (an IDE). */
    static Path scriptsDir(String name) {
        for (Path candidate : List.of(Path.of("src/test/clients/" + name), Path.of("server/src/test/clients/" + name))) {
            if (Files.isDirectory(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalStateException("server/src/test/clients/" + name + " not found from "
                + Path.of("").toAbsolutePath());
    }

    /** Runs {@code command} in {@code directory}, killing it after {@code timeout}; stdin is empty. */
    static Output run(String client, String script, List<String> command, Path directory, Duration timeout) {
        Path out = tempFile(client, "stdout");
        Path err = tempFile(client, "stderr");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(script + " did not finish within " + timeout + "\n--- stderr ---\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            try {
                JsonNode report = stdout.isBlank() ? JSON.createObjectNode() : JSON.readTree(stdout);
                return new Output(process.exitValue(), report, stdout, stderr);
            } catch (IOException e) {
                throw new AssertionError(script + " printed no JSON report (" + e.getMessage() + ")\n"
                        + new Output(process.exitValue(), null, stdout, stderr).describe(client), e);
            }
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

    /**
     * Runs a short check command (does the client load?): null when it exits 0 within 60 s, else its last
     * output line prefixed with {@code failure}.
     */
    static String probe(List<String> command, Path directory, String failure) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return String.join(" ", command) + " did not finish within 60 s";
            }
            return process.exitValue() == 0 ? null
                    : failure + ": " + output.strip().lines().reduce((a, b) -> b).orElse("");
        } catch (IOException e) {
            return command.get(0) + " could not be run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path tempFile(String client, String suffix) {
        try {
            return Files.createTempFile("starling-" + client + "-", "." + suffix);
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
