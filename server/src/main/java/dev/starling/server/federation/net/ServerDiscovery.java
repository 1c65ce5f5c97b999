package dev.starling.server.federation.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.ServerName;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-Server API § Resolving server names: IP literal → that address; explicit port → that host and
 * port; otherwise {@code GET https://<name>/.well-known/matrix/server} and its {@code m.server} (again an IP
 * literal, an explicit port, or port 8448); failing that, the name on port 8448. SRV records are not looked
 * up (steps 3.3, 3.4, 4 and 5 of the spec; the JDK has no SRV lookup without JNDI DNS).
 *
 * <p>The well-known answer is fetched through {@link OutboundHttp} (so the IP blocklist applies, redirects
 * are followed and checked), capped at {@link #MAX_WELL_KNOWN_BYTES} and {@link #WELL_KNOWN_TIMEOUT}, and
 * cached: for its {@code Cache-Control: max-age} clamped to [5 min, 48 h], 24 h without one, and a failure
 * for 1 h (Synapse's periods).
 */
public final class ServerDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(ServerDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final int DEFAULT_PORT = 8448;
    public static final int MAX_WELL_KNOWN_BYTES = 50 * 1024;
    public static final Duration WELL_KNOWN_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_CACHE = Duration.ofHours(24);
    static final Duration MIN_CACHE = Duration.ofMinutes(5);
    static final Duration MAX_CACHE = Duration.ofHours(48);
    static final Duration FAILURE_CACHE = Duration.ofHours(1);
    private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?([0-9]{1,10})\"?");

    private record Cached(Optional<String> delegated, long expiresAtMs) {}

    private final OutboundHttp http;
    private final Clock clock;
    private final Function<String, URI> wellKnownUri;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ServerDiscovery(OutboundHttp http, Clock clock) {
        this(http, clock, host -> URI.create(http.scheme() + "://" + host + "/.well-known/matrix/server"));
    }

    /** With another place for the well-known file (tests serve it on a loopback port). */
    public ServerDiscovery(OutboundHttp http, Clock clock, Function<String, URI> wellKnownUri) {
        this.http = http;
        this.clock = clock;
        this.wellKnownUri = wellKnownUri;
    }

    /** Where requests for {@code server} go. Never throws for an unreachable well-known: it falls back. */
    public ResolvedServer resolve(ServerName server) {
        Optional<ResolvedServer> direct = direct(server.value());
        if (direct.isPresent()) {
            return direct.get();
        }
        String host = server.value();
        Optional<String> delegated = wellKnown(host);
        if (delegated.isPresent()) {
            Optional<ResolvedServer> viaDelegation = direct(delegated.get());
            if (viaDelegation.isPresent()) {
                return viaDelegation.get();
            }
            return new ResolvedServer(delegated.get(), DEFAULT_PORT, delegated.get());
        }
        return new ResolvedServer(host, DEFAULT_PORT, host);
    }

    /** Steps 1 and 2: an IP literal (with or without port) or a name with an explicit port; else empty. */
    static Optional<ResolvedServer> direct(String name) {
        String host;
        Optional<Integer> port = Optional.empty();
        if (name.startsWith("[")) {
            int close = name.indexOf(']');
            host = name.substring(1, close);
            if (close + 1 < name.length()) {
                port = Optional.of(Integer.parseInt(name.substring(close + 2)));
            }
            return Optional.of(new ResolvedServer(host, port.orElse(DEFAULT_PORT), name));
        }
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            host = name.substring(0, colon);
            port = Optional.of(Integer.parseInt(name.substring(colon + 1)));
        } else {
            host = name;
        }
        if (port.isPresent() || isIpv4Literal(host)) {
            return Optional.of(new ResolvedServer(host, port.orElse(DEFAULT_PORT), name));
        }
        return Optional.empty();
    }

    private static boolean isIpv4Literal(String host) {
        return host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    }

    private Optional<String> wellKnown(String host) {
        long now = clock.millis();
        Cached cached = cache.get(host);
        if (cached != null && cached.expiresAtMs() > now) {
            return cached.delegated();
        }
        Cached fresh = fetchWellKnown(host, now);
        cache.put(host, fresh);
        return fresh.delegated();
    }

    private Cached fetchWellKnown(String host, long now) {
        OutboundHttp.Response response;
        try {
            response = http.send("GET", wellKnownUri.apply(host), Map.of(), null, MAX_WELL_KNOWN_BYTES,
                    WELL_KNOWN_TIMEOUT, true);
        } catch (OutboundException e) {
            LOG.info("well-known lookup failed server={} problem={}", host, e.problem());
            return new Cached(Optional.empty(), now + FAILURE_CACHE.toMillis());
        }
        Optional<String> delegated = response.status() == 200 ? parseWellKnown(response.body()) : Optional.empty();
        if (delegated.isEmpty()) {
            LOG.info("well-known lookup gave no m.server server={} status={}", host, response.status());
            return new Cached(Optional.empty(), now + FAILURE_CACHE.toMillis());
        }
        return new Cached(delegated, now + cachePeriod(response.header("Cache-Control")).toMillis());
    }

    /** The {@code m.server} of a well-known body if it is a valid server name; else empty. */
    static Optional<String> parseWellKnown(byte[] body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
        if (json == null || !json.isObject() || !json.path("m.server").isTextual()) {
            return Optional.empty();
        }
        String value = json.get("m.server").asText();
        try {
            ServerName.parse(value);
        } catch (InvalidIdentifierException e) {
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /** How long to keep a well-known answer with this {@code Cache-Control} header (null: none). */
    static Duration cachePeriod(String cacheControl) {
        if (cacheControl == null) {
            return DEFAULT_CACHE;
        }
        if (cacheControl.contains("no-store")) {
            return MIN_CACHE;
        }
        Matcher m = MAX_AGE.matcher(cacheControl);
        if (!m.find()) {
            return DEFAULT_CACHE;
        }
        Duration asked = Duration.ofSeconds(Long.parseLong(m.group(1)));
        if (asked.compareTo(MIN_CACHE) < 0) {
            return MIN_CACHE;
        }
        return asked.compareTo(MAX_CACHE) > 0 ? MAX_CACHE : asked;
    }
}
