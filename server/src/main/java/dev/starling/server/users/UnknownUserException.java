package dev.starling.server.users;

import dev.starling.protocol.id.UserId;

/**
 * The operation needs a live account and there is none: the user does not exist, or it was deactivated
 * ({@link #deactivated()}; the API answers {@code M_USER_DEACTIVATED} then).
 */
public final class UnknownUserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient UserId userId;
    private final boolean deactivated;

    public UnknownUserException(UserId userId, boolean deactivated) {
        super((deactivated ? "user is deactivated: " : "no such user: ") + userId);
        this.userId = userId;
        this.deactivated = deactivated;
    }

    public UserId userId() {
        return userId;
    }

    public boolean deactivated() {
        return deactivated;
    }
}
