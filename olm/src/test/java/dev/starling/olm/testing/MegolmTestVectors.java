package dev.starling.olm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/** The libolm vectors in {@code libolm_vectors.json} (a copy of {@code shared/vectors}). */
public final class MegolmTestVectors {
    private static final JsonNode ALL = load();

    private MegolmTestVectors() {
    }

    public static JsonNode get(String name) {
        return ALL.get(name);
    }

    public static byte[] hex(JsonNode node, String field) {
        return HexFormat.of().parseHex(node.get(field).asText());
    }

    private static JsonNode load() {
        try (InputStream in = MegolmTestVectors.class.getResourceAsStream("/libolm_vectors.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
