package dev.starling.olm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * libolm as a live peer: drives {@code src/test/python/megolm_peer.py} under Debian's {@code /usr/bin/python3}
 * with {@code python3-olm}, one JSON request and answer per line. Fails (never skips) with a clear message
 * when Python or python3-olm is missing.
 */
public final class MegolmPeer extends JsonLinePeer {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private MegolmPeer(Path script) {
        super("the libolm peer (python3-olm missing?)", new ProcessBuilder(PYTHON.toString(), script.toString()));
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
        MegolmPeer peer;
        try {
            peer = new MegolmPeer(script);
        } catch (UncheckedIOException e) {
            throw new AssertionError("cannot start /usr/bin/python3 " + script + ": " + e.getMessage(), e);
        }
        JsonNode version = peer.send(op("version"));
        if (!version.path("ok").asBoolean()) {
            peer.close();
            throw new AssertionError("the libolm peer cannot run: " + version.path("error").asText()
                    + " (apt-get install -y python3-olm)");
        }
        return peer;
    }

    /** Sends a request and returns the answer, whatever its {@code ok}. */
    public JsonNode send(ObjectNode request) {
        return exchange(request);
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
}
