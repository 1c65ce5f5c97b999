package dev.starling.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * One request as a handler sees it: the method, the decoded path and query parameters, headers, the body
 * (read on first use, within the route's limit), the authenticated device if any, and the client's IP.
 * Handlers run on their own virtual thread, so blocking here is fine.
 */
public final class MatrixRequest {
    private final HttpMethod method;
    private final Map<String, String> pathParams;
    private final QueryParams query;
    private final Headers headers;
    private final RequestBody body;
    private final AuthenticatedDevice device; // null: no token was needed or sent
    private final String clientIp;
    private final ServerName origin; // null: not a federation request

    MatrixRequest(HttpMethod method, Map<String, String> pathParams, QueryParams query, Headers headers,
            RequestBody body, AuthenticatedDevice device, String clientIp) {
        this(method, pathParams, query, headers, body, device, clientIp, null);
    }

    MatrixRequest(HttpMethod method, Map<String, String> pathParams, QueryParams query, Headers headers,
            RequestBody body, AuthenticatedDevice device, String clientIp, ServerName origin) {
        this.origin = origin;
        this.method = method;
        this.pathParams = Map.copyOf(pathParams);
        this.query = query;
        this.headers = headers;
        this.body = body;
        this.device = device;
        this.clientIp = clientIp;
    }

    public HttpMethod method() {
        return method;
    }

    /**
     * The decoded value of the path parameter {@code name} of the route's template.
     *
     * @throws IllegalArgumentException if the template has no such parameter (a programming error)
     */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the route has no path parameter " + name);
        }
        return value;
    }

    /**
     * The path parameter {@code name} parsed by {@code parser}, for example {@code pathParam("roomId",
     * RoomId::parse)}. An {@code InvalidIdentifierException} from the parser becomes 400 M_INVALID_PARAM.
     */
    public <T> T pathParam(String name, Function<String, T> parser) {
        return parser.apply(pathParam(name));
    }

    /** Every decoded path parameter by name. */
    public Map<String, String> pathParams() {
        return pathParams;
    }

    /** The first value of the query parameter {@code name}, decoded. */
    public Optional<String> queryParam(String name) {
        List<String> values = query.values(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Every value of a repeated query parameter, in order ({@code ?server_name=a&server_name=b}). */
    public List<String> queryParams(String name) {
        return query.values(name);
    }

    /** The first value of a header (names are case-insensitive). */
    public Optional<String> header(String name) {
        List<String> values = headers.values(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Every value of a header. */
    public List<String> headers(String name) {
        return headers.values(name);
    }

    /** The client's IP address (from the socket; from {@code Forwarded} only when configured to trust it). */
    public String clientIp() {
        return clientIp;
    }

    /** The device whose access token authenticated this request; empty on a public route or without token. */
    public Optional<AuthenticatedDevice> device() {
        return Optional.ofNullable(device);
    }

    /**
     * The authenticated device of a route with {@link Access#REQUIRED}.
     *
     * @throws MatrixException 401 M_MISSING_TOKEN if there is none
     */
    public AuthenticatedDevice requireDevice() {
        if (device == null) {
            throw MatrixException.missingToken("an access token is required");
        }
        return device;
    }

    /**
     * The server whose X-Matrix signature authenticated this request, on a route with {@link Access#FEDERATION}.
     *
     * @throws MatrixException 401 M_UNAUTHORIZED if there is none
     */
    public ServerName requireOrigin() {
        if (origin == null) {
            throw new MatrixException(ErrorCode.M_UNAUTHORIZED, "a signed federation request is required");
        }
        return origin;
    }

    /** The largest body this route accepts, in bytes. */
    public long maxBodyBytes() {
        return body.maxBytes();
    }

    /**
     * The body as a stream, for bodies too big to hold in memory (media uploads; give the route a
     * {@link Route#maxBodyBytes} limit). Taken at most once, and not together with {@link #body()}.
     * Reading past the route's limit throws 413 M_TOO_LARGE as soon as the limit is passed (SECURITY.md item
     * 22), and a body the client breaks off throws 400 M_UNKNOWN: both are {@link MatrixException}s, so an
     * {@code IOException} from this stream is never the client's fault.
     *
     * @throws MatrixException 413 M_TOO_LARGE if the declared length is above the limit
     */
    public InputStream bodyStream() {
        return body.stream();
    }

    /** The body's declared {@code Content-Length}, or empty for a chunked body. */
    public OptionalLong declaredBodyLength() {
        long length = body.declaredLength();
        return length < 0 ? OptionalLong.empty() : OptionalLong.of(length);
    }

    /**
     * The raw body.
     *
     * @throws MatrixException 413 M_TOO_LARGE above the route's limit
     */
    public byte[] body() {
        return body.read();
    }

    /**
     * The body as a JSON object, parsed strictly (Client-Server API § API Standards: POST and PUT bodies
     * are JSON objects): text that is not JSON (or not UTF-8) is 400 M_NOT_JSON; a duplicate key, a
     * top-level value that is not an object, a float or an integer beyond ±(2^53−1) is 400 M_BAD_JSON
     * (SECURITY.md items 2 and 3). An empty body is not JSON.
     */
    public ObjectNode jsonBody() {
        return CanonicalJson.parseObject(body());
    }

    /**
     * The body as a JSON object that may hold floats: for client data that never becomes part of an event
     * (account data, room tags). Everything else is refused as by {@link #jsonBody()}; see {@link LenientJson}.
     */
    public ObjectNode jsonBodyAllowingFloats() {
        return LenientJson.parseObject(body());
    }

    /** Like {@link #jsonBody()}, but an empty body is {@code {}} (for {@code /logout} and the like). */
    public ObjectNode jsonBodyOrEmpty() {
        byte[] bytes = body();
        return bytes.length == 0 ? Json.object() : CanonicalJson.parseObject(bytes);
    }
}
