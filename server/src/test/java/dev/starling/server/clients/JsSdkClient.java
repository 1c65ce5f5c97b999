package dev.starling.server.clients;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

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

    private static final boolean[] warned = new boolean[1];
    private static volatile String missing;
    private static volatile boolean checked;

    private final Path scripts;

    private JsSdkClient(Path scripts) {
        this.scripts = scripts;
    }

    /** The js-sdk runner, or a skip (locally) or failure (CI) explaining how to install it. */
    static JsSdkClient require() {
        ClientScripts.requireInstalled("matrix-js-sdk", missingReason(),
                "install it with `scripts/clients.sh` (./starling test does; root if node is missing)", warned);
        return new JsSdkClient(ClientScripts.scriptsDir("js"));
    }

    /** What a script did: exit code, the JSON report from stdout (empty if none) and both outputs. */
    record Run(int exitCode, JsonNode report, String stdout, String stderr) {
        String describe() {
            return new ClientScripts.Output(exitCode, report, stdout, stderr).describe("js-sdk");
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
        ClientScripts.Output out = ClientScripts.run("js-sdk", script, command, scripts, TIMEOUT);
        Run run = new Run(out.exitCode(), out.report(), out.stdout(), out.stderr());
        System.err.println(script + ": the SDK's error answers: " + run.httpErrors());
        return run;
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
            dir = ClientScripts.scriptsDir("js");
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        if (!Files.isDirectory(dir.resolve("node_modules/matrix-js-sdk"))) {
            return dir.resolve("node_modules") + " holds no matrix-js-sdk (npm ci there)";
        }
        String check = "if (+process.versions.node.split('.')[0] < " + NODE_MIN_MAJOR + ") {"
                + " console.log('node ' + process.version + ' is older than " + NODE_MIN_MAJOR + "'); process.exit(1); }"
                + " await import('matrix-js-sdk'); await import('@matrix-org/matrix-sdk-crypto-wasm');";
        return ClientScripts.probe(List.of("node", "--input-type=module", "-e", check), dir,
                "node cannot load matrix-js-sdk (Debian packages nodejs, npm)");
    }
}
