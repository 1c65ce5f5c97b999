package dev.starling.mesh.exchange;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One request carried over the mesh: an HTTP-like method, a URI (raw path and query), headers and a body.
 * Validated when built, with the same limits the decoder enforces.
 */
public record MeshRequest(String method, String uri, Map<String, String> headers, byte[] body) {
    static final int MAX_METHOD = 16;
    static final int MAX_URI = 8192;
    static final int MAX_HEADERS = 32;
    static final int MAX_HEADER_NAME = 64;
    static final int MAX_HEADER_VALUE = 8192;
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");

    public MeshRequest {
        if (method == null || !METHOD.matcher(method).matches()) {
            throw new IllegalArgumentException("bad method");
        }
        if (uri == null || !uri.startsWith("/") || uri.getBytes(StandardCharsets.UTF_8).length > MAX_URI
                || uri.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("bad uri");
        }
        if (headers.size() > MAX_HEADERS) {
            throw new IllegalArgumentException("too many headers: " + headers.size());
        }
        headers.forEach((name, value) -> {
            if (!HEADER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("bad header name");
            }
            if (value.getBytes(StandardCharsets.UTF_8).length > MAX_HEADER_VALUE
                    || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw new IllegalArgumentException("bad value of header " + name);
            }
        });
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        body = body == null ? new byte[0] : body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public String toString() {
        return "MeshRequest[" + method + " " + uri.split("\\?", 2)[0] + " body " + body.length + " bytes]";
    }
}
