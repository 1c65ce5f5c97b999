package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomAlias;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What rooms asks of the room alias directory, the published room directory and profiles (implemented
 * outside this package, by {@code aliases} and {@code profile}, so that rooms depends on neither): resolving
 * an alias for {@code /join/#alias}, binding a {@code /createRoom} alias and publishing the room in the
 * room's creation transaction, checking a client's {@code m.room.canonical_alias}, and the profile a new
 * member event carries. {@link #NONE} knows no alias and no profile.
 */
public interface DirectoryHooks {
    DirectoryHooks NONE = new DirectoryHooks() {};

    /** The room a local alias names, read on the caller's connection. */
    default Optional<RoomId> resolveAlias(Connection c, RoomAlias alias) throws SQLException {
        return Optional.empty();
    }

    /**
     * Binds {@code alias} to the new room inside its creation transaction.
     *
     * @return false if the alias is taken (the room is then not created)
     */
    default boolean claimAlias(Connection c, RoomAlias alias, RoomId roomId, UserId creator) throws SQLException {
        return false;
    }

    /** Publishes the new room in the room directory inside its creation transaction. */
    default void publish(Connection c, RoomId roomId) throws SQLException {}

    /**
     * Checks the content of an {@code m.room.canonical_alias} a client sends (Client-Server API §
     * m.room.canonical_alias): every alias it adds must exist and name this room.
     *
     * @param previous the content of the room's current canonical alias event, empty if there is none
     * @throws dev.starling.server.http.MatrixException 400 M_BAD_ALIAS or M_INVALID_PARAM
     */
    default void checkCanonicalAlias(RoomId roomId, ObjectNode content, Optional<ObjectNode> previous) {}

    /** The profile fields ({@code displayname}, {@code avatar_url}) a new join of {@code user} carries. */
    default ObjectNode memberProfile(UserId user) {
        return JsonNodeFactory.instance.objectNode();
    }
}
