package dev.starling.server.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The route table: finds the route for a method and a raw (still percent-encoded) path. An unknown path is
 * 404 M_UNRECOGNIZED; a known path with another method is 405 M_UNRECOGNIZED with an {@code Allow} header
 * (Client-Server API § Common error codes). When two templates match, the one with a literal segment where
 * the other has a parameter wins. Paths under the legacy {@code r0} prefixes are served as their {@code v3}
 * equivalents (see {@link #LEGACY_PREFIXES}). Immutable and thread-safe.
 */
public final class Router {
    /**
     * Legacy prefix → current prefix. Spec v1.1 renamed every {@code r0} endpoint to {@code v3} unchanged
     * (Client-Server API § API Standards, changelog v1.1). Clients still in use send {@code r0}: matrix-nio
     * 0.20 (Debian's python3-matrix-nio) uses {@code /_matrix/client/r0} and {@code /_matrix/media/r0} for
     * every request, so these paths are routed as {@code v3}, as Synapse, Dendrite and Conduit do.
     */
    static final Map<String, String> LEGACY_PREFIXES = Map.of(
            "/_matrix/client/r0/", "/_matrix/client/v3/",
            "/_matrix/media/r0/", "/_matrix/media/v3/");

    /** Leading segments a route is indexed by when they are all literal (e.g. {@code _matrix/client/v3/rooms}). */
    private static final int INDEXED_SEGMENTS = 4;

    private final List<Route> routes;
    /**
     * For each literal prefix of {@link #INDEXED_SEGMENTS} segments: the routes that can match a path starting
     * with it (those with that prefix and those with a parameter or an end within it), in {@link #routes} order.
     */
    private final Map<String, List<Route>> byPrefix;
    /** The routes that can match a path whose prefix no route has literally. */
    private final List<Route> unindexed;

    private Router(List<Route> routes) {
        this.routes = routes;
        Map<String, List<Route>> index = new HashMap<>();
        for (Route route : routes) {
            String prefix = literalPrefix(route.template());
            if (prefix != null) {
                index.putIfAbsent(prefix, new ArrayList<>());
            }
        }
        List<Route> rest = new ArrayList<>();
        for (Route route : routes) {
            String prefix = literalPrefix(route.template());
            if (prefix == null) {
                rest.add(route);
                index.values().forEach(bucket -> bucket.add(route));
            } else {
                index.get(prefix).add(route);
            }
        }
        this.byPrefix = index.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, entry -> List.copyOf(entry.getValue())));
        this.unindexed = List.copyOf(rest);
    }

    /** The first {@link #INDEXED_SEGMENTS} segments joined by '/', or null if one of them is a parameter or missing. */
    private static String literalPrefix(PathTemplate template) {
        List<String> segments = template.segments();
        if (segments.size() < INDEXED_SEGMENTS) {
            return null;
        }
        for (int i = 0; i < INDEXED_SEGMENTS; i++) {
            if (segments.get(i).startsWith("{")) {
                return null;
            }
        }
        return String.join("/", segments.subList(0, INDEXED_SEGMENTS));
    }

    /**
     * The routes that can match {@code rawPath} (split into {@code segments}): a route outside them differs from
     * the path in a literal. The key is cut from the path itself: its first four segments with their slashes.
     */
    private List<Route> candidates(String rawPath, List<String> segments) {
        if (segments.size() < INDEXED_SEGMENTS) {
            return routes;
        }
        int end = 0;
        for (int i = 0; i < INDEXED_SEGMENTS; i++) {
            end = rawPath.indexOf('/', end + 1);
            if (end < 0) {
                end = rawPath.length();
                break;
            }
        }
        return byPrefix.getOrDefault(rawPath.substring(1, end), unindexed);
    }

    /** A router over {@code routes}; refuses two routes with the same method and template. */
    public static Router of(List<Route> routes) {
        Set<String> seen = new HashSet<>();
        for (Route route : routes) {
            if (!seen.add(route.method() + " " + route.template().shape())) {
                throw new IllegalArgumentException("route defined twice: " + route);
            }
        }
        List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparing(Route::template, PathTemplate::compareSpecificity));
        return new Router(List.copyOf(sorted));
    }

    /** A router over these routes and {@code more} (the federation table next to the client one). */
    public Router plus(List<Route> more) {
        List<Route> all = new ArrayList<>(routes);
        all.addAll(more);
        return of(all);
    }

    /** Every route, most specific first. */
    public List<Route> routes() {
        return routes;
    }

    /** A matched route and its decoded path parameters. */
    record Match(Route route, Map<String, String> pathParams) {}

    /**
     * The route for {@code method} (as sent, any case-sensitive token) and {@code rawPath}.
     *
     * @throws MatrixException 404 or 405 M_UNRECOGNIZED, or M_INVALID_PARAM for a badly encoded parameter
     */
    Match resolve(String method, String rawPath) {
        rawPath = withCurrentPrefix(rawPath);
        List<String> segments = rawPath.startsWith("/")
                ? List.of(rawPath.substring(1).split("/", -1))
                : List.of();
        Optional<HttpMethod> wanted = HttpMethod.parse(method);
        Set<HttpMethod> allowed = EnumSet.noneOf(HttpMethod.class);
        for (Route route : candidates(rawPath, segments)) {
            if (wanted.isPresent() && route.method() == wanted.get()) {
                Optional<Map<String, String>> params = route.template().match(segments);
                if (params.isPresent()) {
                    return new Match(route, params.get());
                }
            } else if (!allowed.contains(route.method()) && matchesIgnoringEncoding(route, segments)) {
                allowed.add(route.method());
            }
        }
        if (allowed.isEmpty()) {
            throw new MatrixException(ErrorCode.M_UNRECOGNIZED, "unrecognized request");
        }
        String allow = allowed.stream().map(Enum::name).collect(Collectors.joining(", ")) + ", OPTIONS";
        return throwMethodNotAllowed(allow);
    }

    /** {@code rawPath} with a legacy {@code r0} prefix replaced by {@code v3}; other paths unchanged. */
    static String withCurrentPrefix(String rawPath) {
        for (Map.Entry<String, String> legacy : LEGACY_PREFIXES.entrySet()) {
            if (rawPath.startsWith(legacy.getKey())) {
                return legacy.getValue() + rawPath.substring(legacy.getKey().length());
            }
        }
        return rawPath;
    }

    private static boolean matchesIgnoringEncoding(Route route, List<String> segments) {
        try {
            return route.template().match(segments).isPresent();
        } catch (MatrixException badEncoding) {
            return true;
        }
    }

    private static Match throwMethodNotAllowed(String allow) {
        throw new MatrixException(ErrorCode.M_UNRECOGNIZED, "method not allowed on this endpoint")
                .withStatus(405)
                .withHeader("Allow", allow);
    }
}
