package dev.starling.server.media;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The headers media is served with (Client-Server API § Content repository, "Serving inline content"), as
 * Synapse sends them: the uploaded {@code Content-Type} (the spec requires it, or something "reasonably
 * close"), {@code inline} only for the spec's allow-list of types a browser cannot run script in, else
 * {@code attachment}; a sandboxing {@code Content-Security-Policy}, {@code nosniff}, and
 * {@code Cross-Origin-Resource-Policy: cross-origin} (spec v1.4).
 */
final class MediaHeaders {
    /** The spec's list for {@code Content-Disposition: inline} (Synapse's INLINE_CONTENT_TYPES). SVG is not on it. */
    static final Set<String> INLINE_TYPES = Set.of(
            "text/css", "text/plain", "text/csv", "application/json", "application/ld+json",
            "image/jpeg", "image/gif", "image/png", "image/apng", "image/webp", "image/avif",
            "video/mp4", "video/webm", "video/ogg", "video/quicktime",
            "audio/mp4", "audio/webm", "audio/aac", "audio/mpeg", "audio/ogg", "audio/wave", "audio/wav",
            "audio/x-wav", "audio/x-pn-wav", "audio/flac", "audio/x-flac");

    /** Text types Synapse serves with {@code charset=UTF-8} when the upload named no charset. */
    private static final Set<String> TEXT_TYPES = Set.of(
            "text/css", "text/csv", "text/html", "text/calendar", "text/plain", "text/javascript",
            "application/json", "application/ld+json", "application/rtf", "image/svg+xml", "text/xml");

    static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    /** The spec's recommended policy (Synapse's, which adds media-src). */
    static final String CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; script-src 'none'; "
            + "plugin-types application/pdf; style-src 'unsafe-inline'; media-src 'self'; object-src 'self';";

    /** RFC 9110 media type: token "/" token, then parameters; printable ASCII only. */
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\\s*;[\\x20-\\x7e]*)?");
    private static final int MAX_CONTENT_TYPE = 255;

    private MediaHeaders() {}

    /**
     * The content type an upload is stored with: the header as sent when it is a well-formed media type,
     * else {@code application/octet-stream} (the spec's default when it is missing).
     */
    static String uploadedContentType(Optional<String> header) {
        if (header.isEmpty()) {
            return DEFAULT_CONTENT_TYPE;
        }
        String value = header.get().strip();
        return value.length() <= MAX_CONTENT_TYPE && MEDIA_TYPE.matcher(value).matches() ? value : DEFAULT_CONTENT_TYPE;
    }

    /** The media type without parameters, lowercase. */
    static String baseType(String contentType) {
        return contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }

    /** Every header of a media download: type, disposition with the file name if any, and the safety headers. */
    static Map<String, String> download(String contentType, Optional<String> fileName) {
        String base = baseType(contentType);
        String served = TEXT_TYPES.contains(base) && !contentType.contains(";")
                ? contentType + "; charset=UTF-8" : contentType;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", served);
        headers.put("Content-Disposition", disposition(INLINE_TYPES.contains(base), fileName));
        headers.putAll(safety());
        return headers;
    }

    /** The headers of a thumbnail: always inline (spec v1.12), with a file name. */
    static Map<String, String> thumbnail(String contentType) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        String extension = contentType.equals("image/jpeg") ? "jpg" : contentType.substring("image/".length());
        headers.put("Content-Disposition", disposition(true, Optional.of("thumbnail." + extension)));
        headers.putAll(safety());
        return headers;
    }

    private static Map<String, String> safety() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Cross-Origin-Resource-Policy", "cross-origin");
        headers.put("Referrer-Policy", "no-referrer");
        // Private: the authenticated endpoints must not be answered from a shared cache to someone else.
        headers.put("Cache-Control", "private, max-age=86400");
        return headers;
    }

    /**
     * {@code inline} or {@code attachment}, with the file name as an RFC 6266 {@code filename=token} when it
     * is a plain token, otherwise as {@code filename*=utf-8''percent-encoded} (RFC 5987), as Synapse does.
     */
    static String disposition(boolean inline, Optional<String> fileName) {
        String disposition = inline ? "inline" : "attachment";
        if (fileName.isEmpty() || fileName.get().isEmpty()) {
            return disposition;
        }
        String name = fileName.get();
        return isToken(name)
                ? disposition + "; filename=" + name
                : disposition + "; filename*=utf-8''" + percentEncode(name);
    }

    private static boolean isToken(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 32 || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5987 attr-char kept, every other UTF-8 byte as %XX. */
    private static String percentEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
