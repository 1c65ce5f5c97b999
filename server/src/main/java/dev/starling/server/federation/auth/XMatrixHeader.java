package dev.starling.server.federation.auth;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code Authorization: X-Matrix origin=...,destination=...,key="...",sig="..."} header (Server-Server
 * API § Request Authentication; RFC 9110 auth-param syntax: case-insensitive scheme and names, values as
 * tokens or quoted strings with backslash escapes). Values are kept as sent; checking them is the caller's.
 */
public record XMatrixHeader(String origin, Optional<String> destination, String key, String sig) {
    private static final String SCHEME = "x-matrix";

    public XMatrixHeader {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sig, "sig");
    }

    /** The header value: {@code X-Matrix origin="...",destination="...",key="...",sig="..."}. */
    public String format() {
        StringBuilder out = new StringBuilder("X-Matrix origin=").append(quote(origin));
        destination.ifPresent(d -> out.append(",destination=").append(quote(d)));
        return out.append(",key=").append(quote(key)).append(",sig=").append(quote(sig)).toString();
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** True when the value's scheme is X-Matrix (so other schemes such as Bearer can be skipped). */
    public static boolean isXMatrix(String headerValue) {
        String trimmed = headerValue.stripLeading();
        return trimmed.length() > SCHEME.length() && trimmed.substring(0, SCHEME.length()).equalsIgnoreCase(SCHEME)
                && Character.isWhitespace(trimmed.charAt(SCHEME.length()));
    }

    /**
     * Parses an X-Matrix header value.
     *
     * @return empty when it is malformed, lacks origin, key or sig, or repeats a parameter
     */
    public static Optional<XMatrixHeader> parse(String headerValue) {
        if (!isXMatrix(headerValue)) {
            return Optional.empty();
        }
        String params = headerValue.stripLeading().substring(SCHEME.length());
        Map<String, String> values = new HashMap<>();
        int i = 0;
        int n = params.length();
        while (true) {
            while (i < n && (params.charAt(i) == ' ' || params.charAt(i) == '\t')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int eq = params.indexOf('=', i);
            if (eq < 0) {
                return Optional.empty();
            }
            String name = params.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                return Optional.empty();
            }
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < n && params.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = params.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(params.charAt(i++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    return Optional.empty();
                }
            } else {
                while (i < n && params.charAt(i) != ',') {
                    value.append(params.charAt(i++));
                }
            }
            if (values.put(name, value.toString().strip()) != null) {
                return Optional.empty();
            }
            while (i < n && (params.charAt(i) == ' ' || params.charAt(i) == '\t')) {
                i++;
            }
            if (i < n) {
                if (params.charAt(i) != ',') {
                    return Optional.empty();
                }
                i++;
            }
        }
        String origin = values.get("origin");
        String key = values.get("key");
        String sig = values.get("sig");
        if (origin == null || key == null || sig == null || origin.isEmpty() || key.isEmpty() || sig.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new XMatrixHeader(origin, Optional.ofNullable(values.get("destination")), key, sig));
    }
}
