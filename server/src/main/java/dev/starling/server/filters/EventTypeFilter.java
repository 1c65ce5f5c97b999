package dev.starling.server.filters;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code types}/{@code not_types} and {@code rooms}/{@code not_rooms} parts of one event filter of a /sync
 * filter (Client-Server API § Filtering, {@code EventFilter} and {@code RoomEventFilter}): a type is allowed
 * when no {@code not_types} pattern matches it and {@code types} is absent or one of its patterns matches. A
 * {@code *} matches any sequence of characters. Patterns are matched left to right without backtracking
 * (each piece between stars at its first occurrence), so a match costs at most length × pattern length.
 */
public final class EventTypeFilter {
    /** Allows everything. */
    public static final EventTypeFilter ALL = new EventTypeFilter(Optional.empty(), List.of(), Optional.empty(),
            List.of());

    /** Each pattern split at its stars; null: no {@code types} (everything passes it). */
    private final String[][] types;
    private final String[][] notTypes;
    private final Optional<List<String>> rooms;
    private final List<String> notRooms;

    private EventTypeFilter(Optional<List<String>> types, List<String> notTypes, Optional<List<String>> rooms,
            List<String> notRooms) {
        this.types = types.map(EventTypeFilter::pieces).orElse(null);
        this.notTypes = pieces(notTypes);
        this.rooms = rooms;
        this.notRooms = notRooms;
    }

    private static String[][] pieces(List<String> patterns) {
        return patterns.stream().map(p -> p.split("\\*", -1)).toArray(String[][]::new);
    }

    /**
     * The filter at {@code path} of a whole filter's JSON (e.g. {@code account_data}, or {@code room} then
     * {@code ephemeral}); a room-level {@code rooms}/{@code not_rooms} of the {@code room} filter applies too.
     * Entries that are not strings are ignored (uploaded filters were validated; inline ones may be anything).
     */
    public static EventTypeFilter at(JsonNode filter, String... path) {
        JsonNode node = filter;
        for (String key : path) {
            node = node.path(key);
        }
        JsonNode room = filter.path("room");
        boolean inRoom = path.length > 0 && path[0].equals("room");
        Optional<List<String>> rooms = strings(node.path("rooms"));
        if (rooms.isEmpty() && inRoom) {
            rooms = strings(room.path("rooms"));
        }
        List<String> notRooms = new ArrayList<>(strings(node.path("not_rooms")).orElse(List.of()));
        if (inRoom) {
            notRooms.addAll(strings(room.path("not_rooms")).orElse(List.of()));
        }
        return new EventTypeFilter(strings(node.path("types")), strings(node.path("not_types")).orElse(List.of()),
                rooms, List.copyOf(notRooms));
    }

    /** Whether an event of {@code type} passes. */
    public boolean allowsType(String type) {
        return !matchesAny(notTypes, type) && (types == null || matchesAny(types, type));
    }

    private static boolean matchesAny(String[][] patterns, String type) {
        for (String[] pattern : patterns) {
            if (matches(pattern, type)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the room passes ({@code rooms}, {@code not_rooms}: exact room IDs). */
    public boolean allowsRoom(String roomId) {
        return !notRooms.contains(roomId) && rooms.map(list -> list.contains(roomId)).orElse(true);
    }

    private static Optional<List<String>> strings(JsonNode node) {
        if (!node.isArray()) {
            return Optional.empty();
        }
        List<String> values = new ArrayList<>();
        node.forEach(v -> {
            if (v.isTextual()) {
                values.add(v.asText());
            }
        });
        return Optional.of(List.copyOf(values));
    }

    /** {@code *} matches any run of characters; everything else matches itself. */
    static boolean matches(String pattern, String value) {
        return matches(pattern.split("\\*", -1), value);
    }

    /** {@link #matches(String, String)} with the pattern split at its stars. */
    private static boolean matches(String[] pieces, String value) {
        if (pieces.length == 1) {
            return pieces[0].equals(value);
        }
        if (!value.startsWith(pieces[0])) {
            return false;
        }
        int at = pieces[0].length();
        for (int i = 1; i < pieces.length - 1; i++) {
            int found = value.indexOf(pieces[i], at);
            if (found < 0) {
                return false;
            }
            at = found + pieces[i].length();
        }
        String last = pieces[pieces.length - 1];
        return value.length() - at >= last.length() && value.endsWith(last);
    }
}
