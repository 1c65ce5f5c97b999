package dev.starling.server.aliases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.RoomId;
import dev.starling.server.rooms.RoomAccess;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One entry of the published room directory (Client-Server API § Listing rooms, {@code PublishedRoomsChunk}),
 * read from the room's current state.
 */
record RoomSummary(RoomId roomId, Optional<String> name, Optional<String> topic, Optional<String> canonicalAlias,
        long joinedMembers, boolean worldReadable, boolean guestCanJoin, Optional<String> joinRule,
        Optional<String> avatarUrl, Optional<String> roomType) {

    private static final StateKey CREATE = new StateKey(EventTypes.CREATE, "");
    private static final StateKey NAME = new StateKey(EventTypes.NAME, "");
    private static final StateKey TOPIC = new StateKey(EventTypes.TOPIC, "");
    private static final StateKey CANONICAL_ALIAS = new StateKey(AliasesApi.CANONICAL_ALIAS, "");
    private static final StateKey JOIN_RULES = new StateKey(EventTypes.JOIN_RULES, "");
    private static final StateKey HISTORY_VISIBILITY = new StateKey(EventTypes.HISTORY_VISIBILITY, "");
    private static final StateKey GUEST_ACCESS = new StateKey("m.room.guest_access", "");
    private static final StateKey AVATAR = new StateKey("m.room.avatar", "");
    private static final List<StateKey> KEYS = List.of(CREATE, NAME, TOPIC, CANONICAL_ALIAS, JOIN_RULES,
            HISTORY_VISIBILITY, GUEST_ACCESS, AVATAR);

    static RoomSummary of(RoomAccess rooms, RoomId roomId) {
        Map<StateKey, ObjectNode> state = rooms.currentState(roomId, KEYS);
        return new RoomSummary(roomId, text(state, NAME, "name"), text(state, TOPIC, "topic"),
                text(state, CANONICAL_ALIAS, "alias"), rooms.joinedMemberCount(roomId),
                text(state, HISTORY_VISIBILITY, "history_visibility").filter("world_readable"::equals).isPresent(),
                text(state, GUEST_ACCESS, "guest_access").filter("can_join"::equals).isPresent(),
                text(state, JOIN_RULES, "join_rule"), text(state, AVATAR, "url"), text(state, CREATE, "type"));
    }

    /**
     * Whether the directory may list the room at all: someone is joined, and it can be joined or knocked on,
     * or read without joining (as Synapse filters its directory).
     */
    boolean listable() {
        String rule = joinRule.orElse("public");
        return joinedMembers > 0 && (worldReadable || rule.equals("public") || rule.equals("knock")
                || rule.equals("knock_restricted"));
    }

    /** A case-insensitive match of the search term in the name, topic or canonical alias, or the exact room ID. */
    boolean matches(String term) {
        String needle = term.toLowerCase(java.util.Locale.ROOT);
        return roomId.value().equals(term) || contains(name, needle) || contains(topic, needle)
                || contains(canonicalAlias, needle);
    }

    ObjectNode toJson() {
        ObjectNode out = AliasesApi.object().put("room_id", roomId.value());
        name.ifPresent(v -> out.put("name", v));
        topic.ifPresent(v -> out.put("topic", v));
        canonicalAlias.ifPresent(v -> out.put("canonical_alias", v));
        out.put("num_joined_members", joinedMembers);
        out.put("world_readable", worldReadable);
        out.put("guest_can_join", guestCanJoin);
        joinRule.ifPresent(v -> out.put("join_rule", v));
        avatarUrl.ifPresent(v -> out.put("avatar_url", v));
        roomType.ifPresent(v -> out.put("room_type", v));
        return out;
    }

    private static boolean contains(Optional<String> field, String needle) {
        return field.map(v -> v.toLowerCase(java.util.Locale.ROOT).contains(needle)).orElse(false);
    }

    private static Optional<String> text(Map<StateKey, ObjectNode> state, StateKey key, String field) {
        ObjectNode content = state.get(key);
        JsonNode value = content == null ? null : content.get(field);
        return value != null && value.isTextual() && !value.textValue().isEmpty()
                ? Optional.of(value.textValue()) : Optional.empty();
    }
}
