package dev.starling.olm.testing;

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
 * libolm as a live peer: drives {@code src/test/python/megolm_peer.py} under Debian's {@code /usr/bin/python3}
 * with {@code python3-olm}, one JSON request and answer per line. Fails (never skips) with a clear message
 * when Python or python3-olm is missing.
 */
public final class MegolmPeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;

    private MegolmPeer(Process process) {
        this.process = process;
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts the peer; throws AssertionError naming what to install when it cannot run. */
    public static MegolmPeer start() {
        if (!Files.isExecutable(PYTHON)) {
            throw new AssertionError("/usr/bin/python3 is missing: install it and python3-olm "
                    + "(apt-get install -y python3 python3-olm) to run the libolm interop tests");
        }
        Path script = Path.of(System.getProperty("basedir", "."), "src/test/python/megolm_peer.py");
        if (!Files.exists(script)) {
            script = Path.of("olm/src/test/python/megolm_peer.py");
        }
        try {
            Process process = new ProcessBuilder(PYTHON.toString(), script.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            MegolmPeer peer = new MegolmPeer(process);
            JsonNode version = peer.send(JSON.createObjectNode().put("op", "version"));
            if (!version.path("ok").asBoolean()) {
                throw new AssertionError("the libolm peer cannot run: " + version.path("error").asText()
                        + " (apt-get install -y python3-olm)");
            }
            return peer;
        } catch (IOException e) {
            throw new AssertionError("cannot start /usr/bin/python3 " + script + ": " + e.getMessage(), e);
        }
    }

    /** A request object with {@code op} set. */
    public static ObjectNode op(String op) {
        return JSON.createObjectNode().put("op", op);
    }

    /** Sends a request and returns the answer, whatever its {@code ok}. */
    public JsonNode send(ObjectNode request) {
        try {
            in.write(JSON.writeValueAsString(request));
            in.write('\n');
            in.flush();
            String line = out.readLine();
            if (line == null) {
                throw new AssertionError("the libolm peer exited (python3-olm missing?)");
            }
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request that must succeed. */
    public JsonNode call(ObjectNode request) {
        JsonNode answer = send(request);
        if (!answer.path("ok").asBoolean()) {
            throw new AssertionError("libolm refused " + request.path("op").asText() + ": "
                    + answer.path("error").asText());
        }
        return answer;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            in.close();
        } catch (IOException ignored) {
            // the process is going away anyway
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
