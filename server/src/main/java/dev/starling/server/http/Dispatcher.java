package dev.starling.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves every request: CORS preflight, route lookup, access token, rate limits, the handler, and the one
 * translation of failures into error responses ({@link ErrorMapper}). A blocking handler: Jetty runs it on
 * a virtual thread, so handlers may block.
 */
final class Dispatcher extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final Router router;
    private final Authenticator authenticator;
    private final RateLimiter rateLimiter;
    private final HttpServerConfig config;
    private final RequestObserver observer;
    private FederationAuthenticator federation = FederationAuthenticator.none();

    Dispatcher(Router router, Authenticator authenticator, RateLimiter rateLimiter, HttpServerConfig config) {
        this(router, authenticator, rateLimiter, config, RequestObserver.NONE);
    }

    Dispatcher(Router router, Authenticator authenticator, RateLimiter rateLimiter, HttpServerConfig config,
            RequestObserver observer) {
        super(InvocationType.BLOCKING);
        this.router = router;
        this.authenticator = authenticator;
        this.rateLimiter = rateLimiter;
        this.config = config;
        this.observer = observer;
    }

    /** Who checks X-Matrix signatures on {@link Access#FEDERATION} routes (by default: nobody is accepted). */
    void federationAuthenticator(FederationAuthenticator authenticator) {
        this.federation = java.util.Objects.requireNonNull(authenticator, "authenticator");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (method.equals("OPTIONS")) {
            // Spec § Web Browser Clients: answer on every path, run no endpoint logic.
            writeEmpty(response, callback, 204);
            return true;
        }
        long startedNanos = System.nanoTime();
        observer.started();
        String routeLabel = RequestObserver.UNROUTED;
        int status = 500;
        try {
            String context = method + " (unrouted)";
            MatrixResponse answer;
            try {
                Router.Match match = router.resolve(method, request.getHttpURI().getPath());
                context = match.route().toString();
                routeLabel = match.route().path();
                answer = serve(match, request);
            } catch (Exception e) {
                answer = ErrorMapper.render(ErrorMapper.toMatrixException(e, context));
            }
            status = answer.status();
            if (!request.consumeAvailable()) {
                // Some of the body was never read (the request was refused before it) and has not all arrived:
                // the connection cannot carry another request, so the answer says so. Otherwise a client would
                // send its next request into a connection the server is closing, and see no answer at all.
                response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            }
            write(response, callback, answer);
            return true;
        } finally {
            String methodLabel = HttpMethod.parse(method).map(Enum::name).orElse("OTHER");
            observer.finished(routeLabel, methodLabel, status, System.nanoTime() - startedNanos);
        }
    }

    private MatrixResponse serve(Router.Match match, Request request) throws Exception {
        Route route = match.route();
        QueryParams query = QueryParams.parse(request.getHttpURI().getQuery());
        HttpFields fields = request.getHeaders();
        Headers headers = new Headers(fields::getValuesList);
        long maxBody = route.maxBodyBytes().orElse(config.maxJsonBodyBytes());
        RequestBody body = new RequestBody(() -> Request.asInputStream(request),
                request.getLength(), maxBody);
        // Refuse a declared oversized body before anything else is done for the request.
        body.checkDeclaredLength();

        dev.starling.protocol.id.ServerName origin = null;
        AuthenticatedDevice device = null;
        if (route.access() == Access.FEDERATION) {
            origin = federation.authenticate(new FederationAuthenticator.SignedRequest(route.method().name(),
                    request.getHttpURI().getPathQuery(), headers.values(HttpHeader.AUTHORIZATION.asString()),
                    body.read()));
        } else {
            device = authenticate(route.access(),
                    headers.values(HttpHeader.AUTHORIZATION.asString()), query.values("access_token"));
        }
        String clientIp = Request.getRemoteAddr(request);
        String rateKey = device != null ? device.userId().value()
                : origin != null ? "server:" + origin.value() : "ip:" + clientIp;
        for (RateLimit limit : route.rateLimits()) {
            rateLimiter.acquire(limit, rateKey);
        }
        HttpMethod method = route.method();
        MatrixRequest matrixRequest = new MatrixRequest(method, match.pathParams(), query, headers, body, device,
                clientIp, origin);
        MatrixResponse answer = route.handler().handle(matrixRequest);
        if (answer == null) {
            throw new IllegalStateException("the handler of " + route + " returned no response");
        }
        return answer;
    }

    private AuthenticatedDevice authenticate(Access access, List<String> authorization, List<String> queryTokens) {
        if (access == Access.PUBLIC) {
            return null;
        }
        Optional<String> token = BearerTokens.find(authorization, queryTokens);
        if (token.isEmpty()) {
            if (access == Access.REQUIRED) {
                throw MatrixException.missingToken("missing access token");
            }
            return null;
        }
        return authenticator.authenticate(token.get()).orElseThrow(() -> MatrixException.unknownToken(false));
    }

    private void write(Response response, Callback callback, MatrixResponse answer) {
        if (answer.isBinary()) {
            writeBinary(response, callback, answer);
            return;
        }
        // A tree of Jackson nodes always serializes; should it not, Jetty answers 500 via JettyErrors.
        byte[] bytes = Json.bytes(answer.body());
        response.setStatus(answer.status());
        HttpFields.Mutable headers = response.getHeaders();
        addCors(headers);
        for (Map.Entry<String, String> header : answer.headers().entrySet()) {
            headers.put(header.getKey(), header.getValue());
        }
        headers.put(JSON_CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /**
     * Streams a binary body (media) on this virtual thread. Once the head is sent a failure can only abort
     * the response: the client sees a connection cut before {@code Content-Length} bytes.
     */
    private void writeBinary(Response response, Callback callback, MatrixResponse answer) {
        BinaryBody body = answer.binary();
        response.setStatus(answer.status());
        HttpFields.Mutable headers = response.getHeaders();
        addCors(headers);
        for (Map.Entry<String, String> header : answer.headers().entrySet()) {
            headers.put(header.getKey(), header.getValue());
        }
        headers.put(HttpHeader.CONTENT_TYPE, body.contentType());
        headers.put(HttpHeader.CONTENT_LENGTH, body.length());
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            body.writer().writeTo(out);
        } catch (IOException | RuntimeException e) {
            LOG.warn("binary response aborted status={} error={}", answer.status(), e.toString());
            callback.failed(e);
            return;
        }
        callback.succeeded();
    }

    private void writeEmpty(Response response, Callback callback, int status) {
        response.setStatus(status);
        addCors(response.getHeaders());
        response.write(true, BufferUtil.EMPTY_BUFFER, callback);
    }

    private void addCors(HttpFields.Mutable headers) {
        if (config.cors()) {
            for (HttpField header : CORS_FIELDS) {
                headers.put(header);
            }
        }
    }

    /** The CORS headers as fields built once (an HttpField is immutable). */
    private static final List<HttpField> CORS_FIELDS = Cors.HEADERS.entrySet().stream()
            .map(header -> new HttpField(header.getKey(), header.getValue())).toList();
    private static final HttpField JSON_CONTENT_TYPE = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

    /**
     * Answers the errors Jetty raises itself before a request reaches {@link #handle} (a malformed request
     * line, headers too large, an ambiguous URI) in the same JSON form, through the same mapper.
     */
    final class JettyErrors extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Object status = request.getAttribute(org.eclipse.jetty.server.handler.ErrorHandler.ERROR_STATUS);
            int code = status instanceof Integer s && s >= 400 && s <= 599 ? s : 500;
            ErrorCode errcode = switch (code) {
                case 404 -> ErrorCode.M_UNRECOGNIZED;
                case 413, 414, 431 -> ErrorCode.M_TOO_LARGE;
                default -> ErrorCode.M_UNKNOWN;
            };
            MatrixException error = new MatrixException(errcode, "request refused by the HTTP layer")
                    .withStatus(code);
            write(response, callback, ErrorMapper.render(error));
            return true;
        }
    }
}
