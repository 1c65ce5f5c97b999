package dev.starling.server.http;

import java.util.List;
import java.util.function.Function;

/** Read access to request headers by case-insensitive name; a thin view over Jetty's fields. */
final class Headers {
    private final Function<String, List<String>> lookup;

    Headers(Function<String, List<String>> lookup) {
        this.lookup = lookup;
    }

    List<String> values(String name) {
        List<String> values = lookup.apply(name);
        return values == null ? List.of() : values;
    }
}
