package dev.starling.server.aliases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomAlias;
import dev.starling.protocol.id.RoomId;
import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The check of a client's {@code m.room.canonical_alias} (Client-Server API § PUT /rooms/{roomId}/state:
 * "servers SHOULD ensure that any new aliases being listed in the event are valid per their grammar and
 * that they point to the room ID"; aliases removed or already present are not checked). Bad syntax or a
 * wrong type is 400 M_INVALID_PARAM; an alias that is unknown or names another room is 400 M_BAD_ALIAS.
 * NOTSPEC until federation: an alias on another server cannot be asked about, so it is M_BAD_ALIAS.
 */
final class CanonicalAliases {
    private CanonicalAliases() {}

    static void check(Connection c, RoomId roomId, ObjectNode content, Optional<ObjectNode> previous)
            throws SQLException {
        for (RoomAlias alias : newAliases(content, previous)) {
            Optional<AliasStore.Binding> binding = AliasStore.get(c, alias);
            if (binding.isEmpty() || !binding.get().roomId().equals(roomId)) {
                throw new MatrixException(ErrorCode.M_BAD_ALIAS, "room alias " + alias + " does not point to the room");
            }
        }
    }

    /** The aliases {@code content} lists that {@code previous} did not: the alias if changed, new alt_aliases. */
    static Set<RoomAlias> newAliases(ObjectNode content, Optional<ObjectNode> previous) {
        Set<RoomAlias> added = new LinkedHashSet<>();
        JsonNode alias = content.get("alias");
        String previousAlias = previous.map(p -> p.path("alias").asText(null)).orElse(null);
        if (alias != null && !alias.isNull()) {
            RoomAlias parsed = parse(alias, "alias");
            if (!parsed.value().equals(previousAlias)) {
                added.add(parsed);
            }
        }
        JsonNode alt = content.get("alt_aliases");
        if (alt != null && !alt.isNull()) {
            if (!alt.isArray()) {
                throw MatrixException.invalidParam("alt_aliases", "must be a list of room aliases");
            }
            Set<String> before = new HashSet<>();
            previous.map(p -> p.get("alt_aliases")).filter(JsonNode::isArray)
                    .ifPresent(list -> list.forEach(a -> before.add(a.asText())));
            for (JsonNode entry : alt) {
                RoomAlias parsed = parse(entry, "alt_aliases");
                if (!before.contains(parsed.value())) {
                    added.add(parsed);
                }
            }
        }
        return added;
    }

    private static RoomAlias parse(JsonNode node, String field) {
        if (!node.isTextual()) {
            throw MatrixException.invalidParam(field, "room aliases are strings");
        }
        try {
            return RoomAlias.parse(node.textValue());
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam(field, e.getMessage());
        }
    }
}
