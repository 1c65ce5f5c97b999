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

    private final Optional<List<String>> types;
    private final List<String> notTypes;
    private final Optional<List<String>> rooms;
    private final List<String> notRooms;

    private EventTypeFilter(Optional<List<String>> types, List<String> notTypes, Optional<List<String>> rooms,
            List<String> notRooms) {
        this.types = types;
        this.notTypes = notTypes;
        this.rooms = rooms;
        this.notRooms = notRooms;
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
        if (notTypes.stream().anyMatch(p -> matches(p, type))) {
            return false;
        }
        return types.map(list -> list.stream().anyMatch(p -> matches(p, type))).orElse(true);
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
        String[] pieces = pattern.split("\\*", -1);
        if (pieces.length == 1) {
            return pattern.equals(value);
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
