package dev.starling.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A response: status, body (a JSON object, as the spec requires of every endpoint but media download
 * and the few that answer an array, such as {@code GET /rooms/{roomId}/state}) and extra headers. The
 * dispatcher adds {@code Content-Type: application/json} and the CORS headers. A media download answers a
 * {@link #binary(BinaryBody) binary} response instead: {@code binary} is then its body, written with its own
 * content type, and {@code body} is an unused {@code {}}; {@code binary} is null for a JSON response.
 */
public record MatrixResponse(int status, JsonNode body, Map<String, String> headers, BinaryBody binary) {
    /** A JSON response. */
    public MatrixResponse(int status, JsonNode body, Map<String, String> headers) {
        this(status, body, headers, null);
    }

    public MatrixResponse {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("bad HTTP status " + status);
        }
        Objects.requireNonNull(body, "body");
        if (!body.isObject() && !body.isArray()) {
            throw new IllegalArgumentException("a response body is a JSON object or array, got " + body.getNodeType());
        }
        headers = Map.copyOf(headers);
    }

    /** 200 with a JSON array, for the endpoints whose answer the spec defines as one. */
    public static MatrixResponse ok(ArrayNode body) {
        return new MatrixResponse(200, body, Map.of());
    }

    /** 200 with {@code body}. */
    public static MatrixResponse ok(ObjectNode body) {
        return new MatrixResponse(200, body, Map.of());
    }

    /**
     * 200 with a body converted by Jackson from a map, record or bean ({@code Map.of("event_id", id)}).
     *
     * @throws IllegalArgumentException if {@code value} does not convert to a JSON object
     */
    public static MatrixResponse ok(Object value) {
        JsonNode node = Json.MAPPER.valueToTree(value);
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("a response body is a JSON object, got " + node.getNodeType());
        }
        return ok(object);
    }

    /** 200 with a body that is not JSON (media); add headers with {@link #withHeader}. */
    public static MatrixResponse binary(BinaryBody body) {
        return new MatrixResponse(200, Json.object(), Map.of(), Objects.requireNonNull(body, "body"));
    }

    /** Whether this is a {@link #binary(BinaryBody) binary} response. */
    public boolean isBinary() {
        return binary != null;
    }

    /** 200 with {@code {}}, the answer of many PUT and POST endpoints. */
    public static MatrixResponse empty() {
        return ok(Json.object());
    }

    /** A copy with another status. */
    public MatrixResponse withStatus(int newStatus) {
        return new MatrixResponse(newStatus, body, headers, binary);
    }

    /** A copy with one more header. */
    public MatrixResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new MatrixResponse(status, body, copy, binary);
    }
}
