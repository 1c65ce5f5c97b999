package dev.starling.olm.event;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.testing.JsonLinePeer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Element's crypto state machine ({@code OlmMachine} of {@code @matrix-org/matrix-sdk-crypto-wasm}, vodozemac
 * inside) in a Node child process running {@code src/test/js/olm_machine_peer.mjs}. The package comes from
 * {@code server/src/test/clients/js/node_modules} (installed by {@code scripts/clients.sh}) or
 * {@code STARLING_CRYPTO_WASM}; without it the test is skipped locally and fails when {@code CI=true}.
 */
final class OlmMachinePeer extends JsonLinePeer {
    OlmMachinePeer() {
        super("the OlmMachine peer", command());
    }

    private static ProcessBuilder command() {
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
        return new ProcessBuilder("node", Path.of("src/test/js/olm_machine_peer.mjs").toAbsolutePath().toString(),
                wasm.toAbsolutePath().normalize().toString());
    }

    JsonNode call(ObjectNode request) {
        JsonNode answer = exchange(request);
        if (answer.has("error")) {
            throw new IllegalStateException("OlmMachine: " + answer.get("error").asText());
        }
        return answer.get("ok");
    }

    static ObjectNode request(String op) {
        return op(op);
    }
}
