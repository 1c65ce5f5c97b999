package dev.starling.olm.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * libolm (Debian {@code python3-olm}) in a child process running {@code src/test/python/libolm_peer.py}, one JSON
 * request and answer per line. Never skips: when {@code /usr/bin/python3} or its {@code olm} module is missing the
 * constructor fails with how to install it ({@code scripts/clients.sh} does).
 */
final class LibolmPeer implements AutoCloseable {
    static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;

    LibolmPeer() {
        Path script = Path.of("src/test/python/libolm_peer.py").toAbsolutePath();
        if (!Files.isExecutable(Path.of(PYTHON))) {
            throw new IllegalStateException("libolm interop needs " + PYTHON
                    + " with python3-olm: run `apt-get install -y python3-olm` (scripts/clients.sh installs it)");
        }
        try {
            Process check = new ProcessBuilder(PYTHON, "-c", "import olm").redirectErrorStream(true).start();
            if (!check.waitFor(60, TimeUnit.SECONDS) || check.exitValue() != 0) {
                throw new IllegalStateException("libolm interop needs python3-olm for " + PYTHON
                        + ": run `apt-get install -y python3-olm` (scripts/clients.sh installs it)");
            }
            process = new ProcessBuilder(PYTHON, script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Sends a request; returns {@code ok}, or throws {@link LibolmError} with libolm's error. */
    JsonNode call(String op, Object... fields) {
        ObjectNode request = JSON.createObjectNode().put("op", op);
        for (int i = 0; i < fields.length; i += 2) {
            request.set((String) fields[i], JSON.valueToTree(fields[i + 1]));
        }
        try {
            in.write(JSON.writeValueAsString(request));
            in.newLine();
            in.flush();
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("the libolm peer exited");
            }
            JsonNode answer = JSON.readTree(line);
            if (answer.has("error")) {
                throw new LibolmError(answer.get("error").asText());
            }
            return answer.get("ok");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static final class LibolmError extends RuntimeException {
        LibolmError(String message) {
            super(message);
        }
    }
}
