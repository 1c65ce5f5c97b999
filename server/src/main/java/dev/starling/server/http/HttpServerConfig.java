package dev.starling.server.http;

import java.util.Map;
import java.util.Objects;

/**
 * The HTTP listener's settings.
 *
 * @param bindAddress the address to listen on; default {@value #DEFAULT_BIND_ADDRESS}, for a server behind
 *     a TLS-terminating reverse proxy on the same machine (plain HTTP is for test setups only, spec § API
 *     Standards)
 * @param port the TCP port; default {@value #DEFAULT_PORT} (the Matrix convention); 0 picks a free port
 * @param maxJsonBodyBytes the body limit of routes that do not set their own; default
 *     {@value #DEFAULT_MAX_JSON_BODY_BYTES}: an event is at most 64 KiB of canonical JSON, but a client may
 *     escape non-ASCII text as {@code \}{@code uXXXX}, which roughly triples it
 * @param cors whether to send the spec's CORS headers (spec § Web Browser Clients); default on
 * @param trustForwardedHeaders whether {@code Forwarded}/{@code X-Forwarded-For} set the client IP (used
 *     as the rate-limit key); default off, as any client could forge them without a proxy in front
 * @param rateLimits overrides of the {@link RateLimit} defaults; default none
 */
public record HttpServerConfig(String bindAddress, int port, long maxJsonBodyBytes, boolean cors,
        boolean trustForwardedHeaders, Map<RateLimit, Rate> rateLimits) {
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 8008;
    public static final long DEFAULT_MAX_JSON_BODY_BYTES = 200 * 1024;

    public HttpServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port is 0..65535, got " + port);
        }
        if (maxJsonBodyBytes <= 0) {
            throw new IllegalArgumentException("maxJsonBodyBytes is positive, got " + maxJsonBodyBytes);
        }
        rateLimits = Map.copyOf(rateLimits);
    }

    /** Every default. */
    public static HttpServerConfig defaults() {
        return new HttpServerConfig(DEFAULT_BIND_ADDRESS, DEFAULT_PORT, DEFAULT_MAX_JSON_BODY_BYTES, true, false,
                Map.of());
    }

    /** The defaults on loopback with an ephemeral port, for tests. */
    public static HttpServerConfig ephemeral() {
        return defaults().withPort(0);
    }

    public HttpServerConfig withPort(int newPort) {
        return new HttpServerConfig(bindAddress, newPort, maxJsonBodyBytes, cors, trustForwardedHeaders,
                rateLimits);
    }

    public HttpServerConfig withMaxJsonBodyBytes(long bytes) {
        return new HttpServerConfig(bindAddress, port, bytes, cors, trustForwardedHeaders, rateLimits);
    }

    public HttpServerConfig withRateLimits(Map<RateLimit, Rate> overrides) {
        return new HttpServerConfig(bindAddress, port, maxJsonBodyBytes, cors, trustForwardedHeaders, overrides);
    }
}
