package dev.starling.olm.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.testing.JsonLinePeer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * libolm (Debian {@code python3-olm}) in a child process running {@code src/test/python/libolm_peer.py}, one JSON
 * request and answer per line. Never skips: when {@code /usr/bin/python3} or its {@code olm} module is missing the
 * constructor fails with how to install it ({@code scripts/clients.sh} does).
 */
final class LibolmPeer extends JsonLinePeer {
    static final String PYTHON = "/usr/bin/python3";

    LibolmPeer() {
        super("the libolm peer", command());
    }

    private static ProcessBuilder command() {
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new ProcessBuilder(PYTHON, Path.of("src/test/python/libolm_peer.py").toAbsolutePath().toString());
    }

    /** Sends a request; returns {@code ok}, or throws {@link LibolmError} with libolm's error. */
    JsonNode call(String op, Object... fields) {
        ObjectNode request = op(op);
        for (int i = 0; i < fields.length; i += 2) {
            request.set((String) fields[i], JSON.valueToTree(fields[i + 1]));
        }
        JsonNode answer = exchange(request);
        if (answer.has("error")) {
            throw new LibolmError(answer.get("error").asText());
        }
        return answer.get("ok");
    }

    static final class LibolmError extends RuntimeException {
        LibolmError(String message) {
            super(message);
        }
    }
}
