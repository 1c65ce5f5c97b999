package dev.starling.olm.event;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * Element's crypto state machine ({@code OlmMachine} of {@code @matrix-org/matrix-sdk-crypto-wasm}, vodozemac
 * inside) in a Node child process running {@code src/test/js/olm_machine_peer.mjs}. The package comes from
 * {@code server/src/test/clients/js/node_modules} (installed by {@code scripts/clients.sh}) or
 * {@code STARLING_CRYPTO_WASM}; without it the test is skipped locally and fails when {@code CI=true}.
 */
final class OlmMachinePeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;

    OlmMachinePeer() {
        String configured = System.getenv("STARLING_CRYPTO_WASM");
        Path wasm = configured != null ? Path.of(configured)
                : Path.of("../server/src/test/clients/js/node_modules/@matrix-org/matrix-sdk-crypto-wasm");
        boolean present = Files.isRegularFile(wasm.resolve("node.mjs"));
        String missing = "matrix-sdk-crypto-wasm not found at " + wasm.toAbsolutePath().normalize()
                + ": run scripts/clients.sh (npm ci in server/src/test/clients/js) or set STARLING_CRYPTO_WASM";
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(missing);
        }
        assumeTrue(present, missing);
        try {
            process = new ProcessBuilder("node", Path.of("src/test/js/olm_machine_peer.mjs").toAbsolutePath().toString(),
                    wasm.toAbsolutePath().normalize().toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("node is needed for the OlmMachine interop test", e);
        }
        in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    JsonNode call(ObjectNode request) {
        try {
            in.write(JSON.writeValueAsString(request));
            in.newLine();
            in.flush();
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("the OlmMachine peer exited");
            }
            JsonNode answer = JSON.readTree(line);
            if (answer.has("error")) {
                throw new IllegalStateException("OlmMachine: " + answer.get("error").asText());
            }
            return answer.get("ok");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode request(String op) {
        return JSON.createObjectNode().put("op", op);
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
}
