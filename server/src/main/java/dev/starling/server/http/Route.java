package dev.starling.server.http;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One row of the route table: a method, a path template, the handler, and what the dispatcher checks
 * before calling it. Routes need a valid access token unless they say otherwise ({@link #access}), so a
 * forgotten flag fails closed. Immutable; the fluent methods return a copy.
 *
 * <pre>{@code
 * Route.put("/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}", rooms::send)
 *         .rateLimited(RateLimit.MESSAGES)
 * }</pre>
 */
public final class Route {
    private final HttpMethod method;
    private final PathTemplate template;
    private final MatrixHandler handler;
    private final Access access;
    private final long maxBodyBytes; // 0: the server's default for JSON bodies
    private final List<RateLimit> rateLimits;

    private Route(HttpMethod method, PathTemplate template, MatrixHandler handler, Access access,
            long maxBodyBytes, List<RateLimit> rateLimits) {
        this.method = Objects.requireNonNull(method, "method");
        this.template = template;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.access = Objects.requireNonNull(access, "access");
        this.maxBodyBytes = maxBodyBytes;
        this.rateLimits = List.copyOf(rateLimits);
    }

    /** A route for {@code method} and the path template {@code path}; see {@link PathTemplate} for syntax. */
    public static Route of(HttpMethod method, String path, MatrixHandler handler) {
        return new Route(method, PathTemplate.parse(path), handler, Access.REQUIRED, 0, List.of());
    }

    public static Route get(String path, MatrixHandler handler) {
        return of(HttpMethod.GET, path, handler);
    }

    public static Route put(String path, MatrixHandler handler) {
        return of(HttpMethod.PUT, path, handler);
    }

    public static Route post(String path, MatrixHandler handler) {
        return of(HttpMethod.POST, path, handler);
    }

    public static Route delete(String path, MatrixHandler handler) {
        return of(HttpMethod.DELETE, path, handler);
    }

    /** A copy with another access requirement (the default is {@link Access#REQUIRED}). */
    public Route access(Access newAccess) {
        return new Route(method, template, handler, newAccess, maxBodyBytes, rateLimits);
    }

    /** A copy that accepts request bodies up to {@code bytes} instead of the server's JSON default. */
    public Route maxBodyBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a body limit is positive, got " + bytes);
        }
        return new Route(method, template, handler, access, bytes, rateLimits);
    }

    /** A copy that takes one token from each of these named limits before the handler runs. */
    public Route rateLimited(RateLimit... limits) {
        return new Route(method, template, handler, access, maxBodyBytes, List.of(limits));
    }

    public HttpMethod method() {
        return method;
    }

    /** The path template as written, e.g. {@code /_matrix/client/v3/rooms/{roomId}/joined_members}. */
    public String path() {
        return template.template();
    }

    public Access access() {
        return access;
    }

    /** The route's own body limit, or empty for the server's default. */
    public OptionalLong maxBodyBytes() {
        return maxBodyBytes == 0 ? OptionalLong.empty() : OptionalLong.of(maxBodyBytes);
    }

    public List<RateLimit> rateLimits() {
        return rateLimits;
    }

    MatrixHandler handler() {
        return handler;
    }

    PathTemplate template() {
        return template;
    }

    @Override
    public String toString() {
        return method + " " + template.template();
    }
}
