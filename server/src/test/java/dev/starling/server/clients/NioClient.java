package dev.starling.server.clients;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

    private static final boolean[] warned = new boolean[1];
    private static volatile String missing;
    private static volatile boolean checked;

    private final Path scripts;

    private NioClient(Path scripts) {
        this.scripts = scripts;
    }

    /** The nio runner, or a skip (locally) or failure (CI) explaining how to install nio. */
    static NioClient require() {
        ClientScripts.requireInstalled("matrix-nio", missingReason(),
                "install it with `scripts/clients.sh` as root (./starling test does)", warned);
        return new NioClient(ClientScripts.scriptsDir("nio"));
    }

    /** What a script did: exit code, the JSON report from stdout (empty if none) and both outputs. */
    record Run(int exitCode, JsonNode report, String stdout, String stderr) {
        String describe() {
            return new ClientScripts.Output(exitCode, report, stdout, stderr).describe("nio");
        }
    }

    /** Runs {@code script} with the given arguments, killing it after {@link #TIMEOUT}. */
    Run run(String script, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), scripts.resolve(script).toString()));
        command.addAll(List.of(args));
        ClientScripts.Output out = ClientScripts.run("nio", script, command, scripts, TIMEOUT);
        return new Run(out.exitCode(), out.report(), out.stdout(), out.stderr());
    }

    /** Null when /usr/bin/python3 imports nio and olm, otherwise what is missing. Checked once per JVM. */
    private static String missingReason() {
        if (!checked) {
            synchronized (NioClient.class) {
                if (!checked) {
                    missing = Files.isExecutable(PYTHON)
                            ? ClientScripts.probe(List.of(PYTHON.toString(), "-c", "import nio, olm"), Path.of("."),
                                    PYTHON + " cannot import matrix-nio and libolm (Debian packages python3-matrix-nio,"
                                            + " python3-olm)")
                            : PYTHON + " is missing (Debian packages python3-matrix-nio, python3-olm)";
                    checked = true;
                }
            }
        }
        return missing;
    }
}
