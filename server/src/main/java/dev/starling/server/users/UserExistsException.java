package dev.starling.server.users;

import dev.starling.protocol.id.UserId;

/** The user ID is already taken (by a live or a deactivated account). The API answers {@code M_USER_IN_USE}. */
public final class UserExistsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient UserId userId;

    public UserExistsException(UserId userId) {
        super("user ID already taken: " + userId);
        this.userId = userId;
    }

    public UserId userId() {
        return userId;
    }
}
