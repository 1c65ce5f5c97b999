package dev.starling.server.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decoded query parameters; a name may repeat. Immutable. */
final class QueryParams {
    private final Map<String, List<String>> values;

    private QueryParams(Map<String, List<String>> values) {
        this.values = values;
    }

    /**
     * Parses a raw query string (without {@code ?}; null for none).
     *
     * @throws MatrixException 400 M_INVALID_PARAM for bad percent-encoding
     */
    static QueryParams parse(String rawQuery) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String rawName = eq < 0 ? pair : pair.substring(0, eq);
                String rawValue = eq < 0 ? "" : pair.substring(eq + 1);
                String name = PercentDecoding.queryComponent(rawName).orElseThrow(
                        () -> new MatrixException(ErrorCode.M_INVALID_PARAM, "badly encoded query string"));
                String value = PercentDecoding.queryComponent(rawValue).orElseThrow(
                        () -> MatrixException.invalidParam(name, "not valid percent-encoded UTF-8"));
                values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        values.replaceAll((k, v) -> List.copyOf(v));
        return new QueryParams(Map.copyOf(values));
    }

    List<String> values(String name) {
        return values.getOrDefault(name, List.of());
    }
}
