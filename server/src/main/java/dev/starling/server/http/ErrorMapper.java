package dev.starling.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.ProtocolException;
import dev.starling.protocol.auth.AuthException;
import dev.starling.protocol.crypto.KeyFormatException;
import dev.starling.protocol.crypto.SignatureException;
import dev.starling.protocol.events.InvalidEventException;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.json.InvalidJsonException;
import dev.starling.protocol.rooms.UnsupportedRoomVersionException;
import dev.starling.protocol.stateres.StateResolutionException;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become Matrix standard error responses (Client-Server API § Standard
 * error response). A {@link MatrixException} is answered as it says; a {@link ProtocolException} — bad
 * input caught by the protocol library — is a 4xx with the fitting code; anything else is a bug and becomes
 * 500 M_UNKNOWN with a generic message and a correlation ID that is also logged with the stack trace. Logs
 * name the method and route template only: never the query (it may hold an access token) nor the body.
 */
final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {}

    /** The Matrix error for {@code failure}, raised while serving {@code context} ("GET /path/{template}"). */
    static MatrixException toMatrixException(Throwable failure, String context) {
        if (failure instanceof MatrixException matrix) {
            return matrix;
        }
        if (failure instanceof ProtocolException protocol) {
            MatrixException mapped = fromProtocol(protocol);
            if (mapped != null) {
                return mapped;
            }
        }
        return internal(failure, context);
    }

    private static MatrixException fromProtocol(ProtocolException e) {
        String message = e.getMessage();
        return switch (e) {
            case InvalidJsonException json -> json.problem() == InvalidJsonException.Problem.SYNTAX
                    ? new MatrixException(ErrorCode.M_NOT_JSON, "content is not JSON: " + message)
                    : new MatrixException(ErrorCode.M_BAD_JSON, message);
            case InvalidIdentifierException id -> new MatrixException(ErrorCode.M_INVALID_PARAM, message);
            case UnsupportedRoomVersionException version ->
                    new MatrixException(ErrorCode.M_UNSUPPORTED_ROOM_VERSION, message);
            case InvalidEventException event -> event.problem() == InvalidEventException.Problem.TOO_LARGE
                    ? new MatrixException(ErrorCode.M_TOO_LARGE, message)
                    : new MatrixException(ErrorCode.M_BAD_JSON, message);
            case AuthException auth -> new MatrixException(ErrorCode.M_FORBIDDEN, message);
            case KeyFormatException key -> new MatrixException(ErrorCode.M_INVALID_PARAM, message);
            case SignatureException signature -> new MatrixException(ErrorCode.M_INVALID_PARAM, message);
            // Missing events during state resolution are our own state being incomplete: a server error.
            case StateResolutionException stateres -> null;
            default -> new MatrixException(ErrorCode.M_UNKNOWN, message);
        };
    }

    private static MatrixException internal(Throwable failure, String context) {
        String correlationId = UUID.randomUUID().toString();
        LOG.error("unexpected error serving {}; correlation_id={}", context, correlationId, failure);
        return new MatrixException(ErrorCode.M_UNKNOWN, "internal server error (reference " + correlationId + ")")
                .withStatus(500);
    }

    /** The response for {@code error}: {@code errcode}, {@code error}, its fields, and its headers. */
    static MatrixResponse render(MatrixException error) {
        ObjectNode body = Json.object();
        body.put("errcode", error.code().errcode());
        body.put("error", error.getMessage());
        for (Map.Entry<String, Object> field : error.fields().entrySet()) {
            body.set(field.getKey(), Json.MAPPER.valueToTree(field.getValue()));
        }
        MatrixResponse response = new MatrixResponse(error.status(), body, error.headers());
        Object retryAfterMs = error.fields().get("retry_after_ms");
        if (error.status() == 429 && retryAfterMs instanceof Number ms) {
            // The header is the non-deprecated form (spec § Rate limiting, v1.10); whole seconds, rounded up.
            response = response.withHeader("Retry-After", Long.toString(Math.ceilDiv(ms.longValue(), 1000L)));
        }
        return response;
    }
}
