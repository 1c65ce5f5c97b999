package dev.starling.server.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request that fails with a Matrix standard error response: an {@link ErrorCode}, an HTTP status (the
 * code's default unless changed), a human-readable message, and the extra fields some codes define
 * ({@code retry_after_ms}, {@code soft_logout}, {@code admin_contact}…). The dispatcher turns it into
 * {@code {"errcode": ..., "error": ...}} JSON; nothing else writes error responses.
 *
 * <p>The message is sent to the client: never put a token, a password or a stack detail in it.
 * Immutable; the {@code with*} methods return a copy. Carries no stack trace (it is an expected answer,
 * not a bug).
 */
public final class MatrixException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final int status;
    private final transient Map<String, Object> fields;
    private final transient Map<String, String> headers;

    public MatrixException(ErrorCode code, String message) {
        this(code, code.defaultStatus(), message, Map.of(), Map.of());
    }

    private MatrixException(ErrorCode code, int status, String message, Map<String, Object> fields,
            Map<String, String> headers) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status is 4xx or 5xx, got " + status);
        }
        this.status = status;
        this.fields = fields;
        this.headers = headers;
    }

    /** 403 M_FORBIDDEN. */
    public static MatrixException forbidden(String message) {
        return new MatrixException(ErrorCode.M_FORBIDDEN, message);
    }

    /** 404 M_NOT_FOUND. */
    public static MatrixException notFound(String message) {
        return new MatrixException(ErrorCode.M_NOT_FOUND, message);
    }

    /** 400 M_BAD_JSON: valid JSON of the wrong shape (missing keys, wrong types). */
    public static MatrixException badJson(String message) {
        return new MatrixException(ErrorCode.M_BAD_JSON, message);
    }

    /** 400 M_MISSING_PARAM naming the parameter. */
    public static MatrixException missingParam(String name) {
        return new MatrixException(ErrorCode.M_MISSING_PARAM, "missing parameter: " + name);
    }

    /** 400 M_INVALID_PARAM naming the parameter and why. */
    public static MatrixException invalidParam(String name, String why) {
        return new MatrixException(ErrorCode.M_INVALID_PARAM, "invalid parameter " + name + ": " + why);
    }

    /** 413 M_TOO_LARGE for a request body above {@code limitBytes}. */
    public static MatrixException tooLarge(long limitBytes) {
        return new MatrixException(ErrorCode.M_TOO_LARGE, "request body is larger than " + limitBytes + " bytes");
    }

    /**
     * 429 M_LIMIT_EXCEEDED with {@code retry_after_ms}; the dispatcher adds the {@code Retry-After} header
     * (spec § Rate limiting).
     */
    public static MatrixException limitExceeded(long retryAfterMs) {
        return new MatrixException(ErrorCode.M_LIMIT_EXCEEDED, "too many requests")
                .withField("retry_after_ms", Math.max(1, retryAfterMs));
    }

    /** 401 M_MISSING_TOKEN. */
    public static MatrixException missingToken(String message) {
        return new MatrixException(ErrorCode.M_MISSING_TOKEN, message);
    }

    /** 401 M_UNKNOWN_TOKEN with {@code soft_logout} (spec § Soft logout). */
    public static MatrixException unknownToken(boolean softLogout) {
        return new MatrixException(ErrorCode.M_UNKNOWN_TOKEN, "unknown or expired access token")
                .withField("soft_logout", softLogout);
    }

    /** A copy answered with another HTTP status (when an endpoint specifies one). */
    public MatrixException withStatus(int newStatus) {
        return new MatrixException(code, newStatus, getMessage(), fields, headers);
    }

    /**
     * A copy with one more field in the error object. Values are strings, numbers, booleans, or Jackson
     * {@code JsonNode}s. {@code errcode} and {@code error} are reserved.
     */
    public MatrixException withField(String name, Object value) {
        if (name.equals("errcode") || name.equals("error")) {
            throw new IllegalArgumentException(name + " is set by the error code and message");
        }
        Map<String, Object> copy = new LinkedHashMap<>(fields);
        copy.put(name, Objects.requireNonNull(value, "value"));
        return new MatrixException(code, status, getMessage(), Map.copyOf(copy), headers);
    }

    /** A copy with one more response header (e.g. {@code Allow} on a 405). */
    public MatrixException withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new MatrixException(code, status, getMessage(), fields, Map.copyOf(copy));
    }

    public ErrorCode code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** Extra fields of the error object, beside {@code errcode} and {@code error}. */
    public Map<String, Object> fields() {
        return fields;
    }

    /** Extra response headers. */
    public Map<String, String> headers() {
        return headers;
    }
}
