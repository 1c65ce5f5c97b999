package dev.starling.server.users;

import dev.starling.protocol.id.UserId;
import java.util.Objects;

/**
 * A local account as stored. The password hash is deliberately not part of it (see
 * {@link UserStore#passwordHash}), so that a {@code User} can be logged or passed around freely.
 *
 * @param createdTs   when the account was created, in milliseconds since the epoch
 * @param deactivated a deactivated account keeps its ID forever (IDs are never reused) but cannot log in
 */
public record User(UserId userId, long createdTs, boolean deactivated, boolean admin) {
    public User {
        Objects.requireNonNull(userId, "userId");
    }
}
