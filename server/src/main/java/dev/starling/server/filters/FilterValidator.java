package dev.starling.server.filters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import java.util.List;

/**
 * Checks an uploaded filter's shape against the spec's schema (Client-Server API § Filtering: {@code Filter},
 * {@code EventFilter}, {@code RoomFilter}, {@code RoomEventFilter}) as Synapse's JSON schema does: known keys
 * have their types, user and room IDs are valid, unknown keys are kept (forward compatibility). A wrong shape
 * is 400 M_BAD_JSON. Every list is bounded by {@link #MAX_LIST} entries, since each /sync applies the filter.
 * (The body itself is bounded by the route: {@code FiltersApi.MAX_FILTER_BYTES}.)
 */
final class FilterValidator {
    /** The most entries of one list in a filter ({@code types}, {@code rooms}, {@code senders}...). */
    static final int MAX_LIST = 1000;

    private static final List<String> ROOM_EVENT_FILTERS = List.of("ephemeral", "state", "timeline",
            "account_data");

    private FilterValidator() {}

    static void validate(ObjectNode filter) {
        eventFilter(filter.path("presence"), "presence", false);
        eventFilter(filter.path("account_data"), "account_data", false);
        JsonNode room = filter.path("room");
        if (!room.isMissingNode()) {
            object(room, "room");
            ids(room.path("rooms"), "room.rooms", true);
            ids(room.path("not_rooms"), "room.not_rooms", true);
            bool(room.path("include_leave"), "room.include_leave");
            for (String part : ROOM_EVENT_FILTERS) {
                eventFilter(room.path(part), "room." + part, true);
            }
        }
        JsonNode format = filter.path("event_format");
        if (!format.isMissingNode() && !(format.isTextual()
                && (format.asText().equals("client") || format.asText().equals("federation")))) {
            throw MatrixException.badJson("event_format must be \"client\" or \"federation\"");
        }
        strings(filter.path("event_fields"), "event_fields");
    }

    private static void eventFilter(JsonNode node, String name, boolean roomEvents) {
        if (node.isMissingNode()) {
            return;
        }
        object(node, name);
        JsonNode limit = node.path("limit");
        if (!limit.isMissingNode() && !(limit.isIntegralNumber() && limit.asLong() >= 0)) {
            throw MatrixException.badJson(name + ".limit must be a non-negative integer");
        }
        strings(node.path("types"), name + ".types");
        strings(node.path("not_types"), name + ".not_types");
        ids(node.path("senders"), name + ".senders", false);
        ids(node.path("not_senders"), name + ".not_senders", false);
        if (roomEvents) {
            ids(node.path("rooms"), name + ".rooms", true);
            ids(node.path("not_rooms"), name + ".not_rooms", true);
            for (String flag : List.of("contains_url", "lazy_load_members", "include_redundant_members",
                    "unread_thread_notifications")) {
                bool(node.path(flag), name + "." + flag);
            }
        }
    }

    private static void object(JsonNode node, String name) {
        if (!node.isObject()) {
            throw MatrixException.badJson(name + " must be an object");
        }
    }

    private static void bool(JsonNode node, String name) {
        if (!node.isMissingNode() && !node.isBoolean()) {
            throw MatrixException.badJson(name + " must be a boolean");
        }
    }

    private static void strings(JsonNode node, String name) {
        if (node.isMissingNode()) {
            return;
        }
        if (!node.isArray() || node.size() > MAX_LIST) {
            throw MatrixException.badJson(name + " must be an array of at most " + MAX_LIST + " strings");
        }
        for (JsonNode value : node) {
            if (!value.isTextual()) {
                throw MatrixException.badJson(name + " must hold strings only");
            }
        }
    }

    private static void ids(JsonNode node, String name, boolean rooms) {
        strings(node, name);
        if (node.isMissingNode()) {
            return;
        }
        for (JsonNode value : node) {
            try {
                if (rooms) {
                    RoomId.parse(value.asText());
                } else {
                    UserId.parse(value.asText());
                }
            } catch (InvalidIdentifierException e) {
                throw MatrixException.badJson(name + " holds an invalid " + (rooms ? "room" : "user") + " ID");
            }
        }
    }
}
