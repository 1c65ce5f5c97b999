package dev.starling.server.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.server.filters.EventTypeFilter;
import dev.starling.server.http.MatrixException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The filter a /sync applies (Client-Server API § Filtering), from the {@code filter} parameter: inline JSON
 * or the ID of an uploaded filter (resolved by {@link SyncFilters}). {@code json} is the whole filter for
 * sources that read more of it; it must not be changed. Kept filters ({@link KeptFilters}) serve many /sync
 * requests, so the event filters the sources ask for are parsed once per filter ({@link #eventTypes}).
 */
public final class SyncFilter {
    static final int DEFAULT_TIMELINE_LIMIT = 10;
    private static final int MAX_TIMELINE_LIMIT = 1000;

    public static final SyncFilter NONE = new SyncFilter(JsonNodeFactory.instance.objectNode());

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode json;
    /** {@link EventTypeFilter}s by path, made when first asked for: a handful per filter. */
    private final ConcurrentHashMap<List<String>, EventTypeFilter> eventTypes = new ConcurrentHashMap<>();

    public SyncFilter(ObjectNode json) {
        this.json = json.deepCopy();
    }

    /** The whole filter (not to be changed). */
    public ObjectNode json() {
        return json;
    }

    /** {@link EventTypeFilter#at} this filter's {@code path}, parsed once. */
    public EventTypeFilter eventTypes(String... path) {
        return eventTypes.computeIfAbsent(List.of(path), p -> EventTypeFilter.at(json, path));
    }

    /** An inline filter (the {@code filter} parameter's JSON); 400 M_INVALID_PARAM when it is not an object. */
    public static SyncFilter parseInline(String parameter) {
        JsonNode json;
        try {
            json = JSON.readTree(parameter);
        } catch (IOException e) {
            throw MatrixException.invalidParam("filter", "not a JSON filter");
        }
        if (json == null || !json.isObject()) {
            throw MatrixException.invalidParam("filter", "not a JSON object");
        }
        return new SyncFilter((ObjectNode) json);
    }

    /** {@code room.timeline.limit}: at most this many events per room's timeline (default 10, capped at 1000). */
    public int timelineLimit() {
        JsonNode limit = json.path("room").path("timeline").path("limit");
        if (limit.isMissingNode()) {
            return DEFAULT_TIMELINE_LIMIT;
        }
        if (!limit.canConvertToInt() || limit.asInt() < 0) {
            throw MatrixException.invalidParam("filter", "room.timeline.limit must be a non-negative integer");
        }
        return Math.min(limit.asInt(), MAX_TIMELINE_LIMIT);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SyncFilter that && json.equals(that.json);
    }

    @Override
    public int hashCode() {
        return json.hashCode();
    }

    @Override
    public String toString() {
        return "SyncFilter[json=" + json + "]";
    }
}
