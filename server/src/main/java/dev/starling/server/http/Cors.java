package dev.starling.server.http;

import java.util.Map;

/**
 * The CORS headers every response carries (Client-Server API § Web Browser Clients). Any origin may call:
 * access tokens travel in the {@code Authorization} header, never in cookies, so there is no ambient
 * credential for another site to abuse.
 */
final class Cors {
    static final Map<String, String> HEADERS = Map.of(
            "Access-Control-Allow-Origin", "*",
            "Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS",
            "Access-Control-Allow-Headers", "X-Requested-With, Content-Type, Authorization");

    private Cors() {}
}
