package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.RoomId;
import dev.starling.server.http.MatrixException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code RoomEventFilter} (Client-Server API § Filtering): which events of a room a response includes
 * ({@code types}/{@code not_types} with {@code *} wildcards, {@code senders}/{@code not_senders},
 * {@code rooms}/{@code not_rooms}, {@code contains_url}), a {@code limit}, and lazy-loading of members
 * ({@code lazy_load_members}, {@code include_redundant_members}). Absent lists do not filter; a {@code not_}
 * list wins over its positive list. Used by /messages, /context and the /sync timeline and state.
 *
 * @param limit empty when the filter sets none
 * @param types empty when absent (everything); present and empty matches nothing
 */
public record RoomEventFilter(Optional<Integer> limit, Optional<List<String>> types, List<String> notTypes,
        Optional<List<String>> senders, List<String> notSenders, Optional<List<String>> rooms, List<String> notRooms,
        Optional<Boolean> containsUrl, boolean lazyLoadMembers, boolean includeRedundantMembers) {
    public static final RoomEventFilter NONE = new RoomEventFilter(Optional.empty(), Optional.empty(), List.of(),
            Optional.empty(), List.of(), Optional.empty(), List.of(), Optional.empty(), false, false);

    private static final ObjectMapper JSON = new ObjectMapper();

    public RoomEventFilter {
        types = types.map(List::copyOf);
        notTypes = List.copyOf(notTypes);
        senders = senders.map(List::copyOf);
        notSenders = List.copyOf(notSenders);
        rooms = rooms.map(List::copyOf);
        notRooms = List.copyOf(notRooms);
    }

    /** The {@code filter} query parameter of /messages and /context: a JSON object; 400 M_INVALID_PARAM if not. */
    public static RoomEventFilter parseParameter(String parameter) {
        JsonNode json;
        try {
            json = JSON.readTree(parameter);
        } catch (IOException e) {
            throw MatrixException.invalidParam("filter", "not a JSON filter");
        }
        return fromJson(json == null ? JsonNodeFactory.instance.missingNode() : json, "filter");
    }

    /**
     * A filter from its JSON ({@code MissingNode} or null: no filter). Values of the wrong type are 400
     * M_INVALID_PARAM naming {@code param}.
     */
    public static RoomEventFilter fromJson(JsonNode json, String param) {
        if (json == null || json.isMissingNode() || json.isNull()) {
            return NONE;
        }
        if (!json.isObject()) {
            throw MatrixException.invalidParam(param, "a room event filter must be a JSON object");
        }
        Optional<Integer> limit = Optional.empty();
        JsonNode limitNode = json.get("limit");
        if (limitNode != null && !limitNode.isNull()) {
            if (!limitNode.canConvertToInt() || !limitNode.isIntegralNumber() || limitNode.asInt() < 0) {
                throw MatrixException.invalidParam(param, "limit must be a non-negative integer");
            }
            limit = Optional.of(limitNode.asInt());
        }
        return new RoomEventFilter(limit, strings(json, "types", param), strings(json, "not_types", param).orElse(List.of()),
                strings(json, "senders", param), strings(json, "not_senders", param).orElse(List.of()),
                strings(json, "rooms", param), strings(json, "not_rooms", param).orElse(List.of()),
                bool(json, "contains_url", param), bool(json, "lazy_load_members", param).orElse(false),
                bool(json, "include_redundant_members", param).orElse(false));
    }

    /** Whether the filter keeps an event (its room is judged by {@link #matchesRoom}). */
    public boolean matches(Pdu event) {
        String type = event.type();
        if (types.isPresent() && types.get().stream().noneMatch(pattern -> glob(pattern, type))) {
            return false;
        }
        if (notTypes.stream().anyMatch(pattern -> glob(pattern, type))) {
            return false;
        }
        String sender = event.sender().value();
        if (senders.isPresent() && !senders.get().contains(sender) || notSenders.contains(sender)) {
            return false;
        }
        if (containsUrl.isPresent()) {
            JsonNode url = event.content().get("url");
            boolean has = url != null && url.isTextual();
            return has == containsUrl.get();
        }
        return true;
    }

    /** Whether the filter keeps events of this room ({@code rooms}, {@code not_rooms}). */
    public boolean matchesRoom(RoomId roomId) {
        return rooms.map(list -> list.contains(roomId.value())).orElse(true) && !notRooms.contains(roomId.value());
    }

    /** Whether the filter keeps anything but by room ({@link #NONE} apart from the room lists and limit). */
    boolean filtersEvents() {
        return types.isPresent() || !notTypes.isEmpty() || senders.isPresent() || !notSenders.isEmpty()
                || containsUrl.isPresent();
    }

    /**
     * {@code *} matches any run of characters, everything else itself. Linear in practice: one backtrack point
     * (the last star), the classic wildcard match; inputs are event types of at most 255 bytes.
     */
    static boolean glob(String pattern, String value) {
        int p = 0;
        int v = 0;
        int star = -1;
        int mark = 0;
        while (v < value.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = v;
            } else if (p < pattern.length() && pattern.charAt(p) == value.charAt(v)) {
                p++;
                v++;
            } else if (star >= 0) {
                p = star + 1;
                v = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    private static Optional<List<String>> strings(JsonNode json, String key, String param) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isArray()) {
            throw MatrixException.invalidParam(param, key + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode entry : node) {
            if (!entry.isTextual()) {
                throw MatrixException.invalidParam(param, key + " must be an array of strings");
            }
            out.add(entry.textValue());
        }
        return Optional.of(out);
    }

    private static Optional<Boolean> bool(JsonNode json, String key, String param) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw MatrixException.invalidParam(param, key + " must be a boolean");
        }
        return Optional.of(node.booleanValue());
    }
}
