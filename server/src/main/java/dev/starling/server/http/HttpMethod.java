package dev.starling.server.http;

import java.util.Optional;

/** The HTTP methods a route can have. OPTIONS is answered for every path by the dispatcher (CORS). */
public enum HttpMethod {
    GET, PUT, POST, DELETE;

    /** The method named exactly {@code name} (HTTP methods are case-sensitive), if routes can have it. */
    static Optional<HttpMethod> parse(String name) {
        for (HttpMethod method : values()) {
            if (method.name().equals(name)) {
                return Optional.of(method);
            }
        }
        return Optional.empty();
    }
}
