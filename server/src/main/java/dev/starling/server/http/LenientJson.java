package dev.starling.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.json.CanonicalJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The reader of JSON bodies that are client data and never part of an event (account data, room tags): like
 * the strict reader it refuses text that is not UTF-8 JSON (M_NOT_JSON), duplicate keys, deep nesting and a
 * top level that is not an object (M_BAD_JSON), but it accepts floats and exponents, which real clients send
 * there (a tag's {@code order} is a number between 0 and 1, Client-Server API § Room tagging). Event bodies
 * keep the strict reader ({@link MatrixRequest#jsonBody()}).
 */
final class LenientJson {
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(CanonicalJson.MAX_DEPTH).build())
            .build()).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private LenientJson() {}

    static ObjectNode parseObject(byte[] utf8) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new MatrixException(ErrorCode.M_NOT_JSON, "content is not JSON: not valid UTF-8");
        }
        if (text.isBlank()) {
            throw new MatrixException(ErrorCode.M_NOT_JSON, "content is not JSON: empty body");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (StreamConstraintsException e) {
            throw new MatrixException(ErrorCode.M_BAD_JSON, "JSON nested deeper than " + CanonicalJson.MAX_DEPTH);
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            if (message.startsWith("Duplicate field")) {
                throw new MatrixException(ErrorCode.M_BAD_JSON, "duplicate key in JSON object");
            }
            throw new MatrixException(ErrorCode.M_NOT_JSON, "content is not JSON");
        }
        if (node instanceof ObjectNode object) {
            requireFinite(object);
            return object;
        }
        throw new MatrixException(ErrorCode.M_BAD_JSON, "expected a JSON object at the top level");
    }

    /** A float beyond the range of a double (1e400) would be written back as Infinity, which is not JSON. */
    private static void requireFinite(JsonNode node) {
        if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            throw new MatrixException(ErrorCode.M_BAD_JSON, "number out of range");
        }
        if (node.isContainerNode()) {
            node.forEach(LenientJson::requireFinite);
        }
    }
}
