package dev.starling.server.aliases;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomAlias;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.rooms.DirectoryHooks;
import dev.starling.server.storage.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What rooms asks of aliases, the room directory and profiles ({@link DirectoryHooks}), answered from this
 * package's tables; the member profile comes from the {@code profile} package through {@code memberProfile}.
 */
public final class AliasHooks implements DirectoryHooks {
    private final Database db;
    private final Clock clock;
    private final Function<UserId, ObjectNode> memberProfile;

    /** @param memberProfile the displayname and avatar_url a user's new member event carries */
    public AliasHooks(Database db, Clock clock, Function<UserId, ObjectNode> memberProfile) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.memberProfile = Objects.requireNonNull(memberProfile, "memberProfile");
    }

    @Override
    public Optional<RoomId> resolveAlias(Connection c, RoomAlias alias) throws SQLException {
        return AliasStore.get(c, alias).map(AliasStore.Binding::roomId);
    }

    @Override
    public boolean claimAlias(Connection c, RoomAlias alias, RoomId roomId, UserId creator) throws SQLException {
        return AliasStore.create(c, alias, roomId, creator, clock.millis());
    }

    @Override
    public void publish(Connection c, RoomId roomId) throws SQLException {
        PublishedRooms.publish(c, roomId, clock.millis());
    }

    @Override
    public void checkCanonicalAlias(RoomId roomId, ObjectNode content, Optional<ObjectNode> previous) {
        db.read(c -> {
            CanonicalAliases.check(c, roomId, content, previous);
            return null;
        });
    }

    @Override
    public ObjectNode memberProfile(UserId user) {
        return memberProfile.apply(user);
    }
}
