package dev.starling.olm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/** The libolm 3.2.13 vectors ({@code /libolm_vectors.json}, a copy of shared/vectors). */
public final class Vectors {
    private static final JsonNode ROOT = load();

    private Vectors() {
    }

    public static JsonNode get(String name) {
        return ROOT.get(name);
    }

    public static byte[] hex(JsonNode node) {
        return HexFormat.of().parseHex(node.asText());
    }

    private static JsonNode load() {
        try (InputStream in = Vectors.class.getResourceAsStream("/libolm_vectors.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
