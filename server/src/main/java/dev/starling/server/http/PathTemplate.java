package dev.starling.server.http;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A route's path, such as {@code /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}}: literal
 * segments and named parameters, each parameter exactly one whole segment. A parameter matches one
 * non-empty segment; a last parameter written {@code {stateKey?}} may also be empty, with or without the
 * trailing slash (the spec's rule for empty state keys). Parameters are matched against the raw segments
 * and percent-decoded once, so {@code %2F} inside a parameter stays inside it.
 */
record PathTemplate(String template, List<String> segments) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    PathTemplate {
        segments = List.copyOf(segments);
    }

    static PathTemplate parse(String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("a path template starts with /: " + template);
        }
        List<String> segments = List.of(template.substring(1).split("/", -1));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("empty segment in path template " + template);
            }
            if (segment.startsWith("{")) {
                String name = paramName(segment);
                if (!NAME.matcher(name).matches() || !segment.endsWith("}")) {
                    throw new IllegalArgumentException("bad parameter " + segment + " in " + template);
                }
                if (isOptional(segment) && i != segments.size() - 1) {
                    throw new IllegalArgumentException("only the last parameter may be optional: " + template);
                }
                if (!names.add(name)) {
                    throw new IllegalArgumentException("parameter " + name + " twice in " + template);
                }
            } else if (segment.contains("{") || segment.contains("}") || segment.contains("%")) {
                throw new IllegalArgumentException("a parameter must be a whole segment: " + template);
            }
        }
        return new PathTemplate(template, segments);
    }

    /**
     * The decoded parameters if {@code rawSegments} (the request path split on {@code /}, still
     * percent-encoded) match; empty if they do not.
     *
     * @throws MatrixException M_INVALID_PARAM when a parameter is not valid percent-encoded UTF-8
     */
    Optional<Map<String, String>> match(List<String> rawSegments) {
        int n = segments.size();
        boolean optionalLast = isParam(segments.get(n - 1)) && isOptional(segments.get(n - 1));
        List<String> raw = rawSegments;
        if (raw.size() == n - 1 && optionalLast) {
            raw = new ArrayList<>(raw);
            raw.add("");
        }
        if (raw.size() != n) {
            return Optional.empty();
        }
        for (int i = 0; i < n; i++) {
            String segment = segments.get(i);
            if (!isParam(segment) && !segment.equals(raw.get(i))) {
                return Optional.empty();
            }
            if (isParam(segment) && raw.get(i).isEmpty() && !isOptional(segment)) {
                return Optional.empty();
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String segment = segments.get(i);
            if (isParam(segment)) {
                String name = paramName(segment);
                String value = PercentDecoding.pathSegment(raw.get(i)).orElseThrow(
                        () -> MatrixException.invalidParam(name, "not valid percent-encoded UTF-8"));
                params.put(name, value);
            }
        }
        return Optional.of(Map.copyOf(params));
    }

    /** Orders more specific templates first: at the first differing segment, a literal beats a parameter. */
    static int compareSpecificity(PathTemplate a, PathTemplate b) {
        int n = Math.min(a.segments.size(), b.segments.size());
        for (int i = 0; i < n; i++) {
            boolean pa = isParam(a.segments.get(i));
            boolean pb = isParam(b.segments.get(i));
            if (pa != pb) {
                return pa ? 1 : -1;
            }
        }
        // Templates of different lengths never match the same path; ordering them by length keeps the
        // comparison transitive (a 0 here for a prefix broke List.sort's contract once routes multiplied).
        return Integer.compare(a.segments.size(), b.segments.size());
    }

    private static boolean isParam(String segment) {
        return segment.startsWith("{");
    }

    private static boolean isOptional(String segment) {
        return segment.endsWith("?}");
    }

    private static String paramName(String segment) {
        String inner = segment.substring(1, segment.length() - 1);
        return inner.endsWith("?") ? inner.substring(0, inner.length() - 1) : inner;
    }

    /** The template with parameter names erased: two templates of one shape match the same paths. */
    String shape() {
        return String.join("/", segments.stream()
                .map(s -> isParam(s) ? (isOptional(s) ? "{?}" : "{}") : s)
                .toList());
    }

    /** The parameter names, in path order. */
    List<String> paramNames() {
        return segments.stream().filter(PathTemplate::isParam).map(PathTemplate::paramName).toList();
    }
}
