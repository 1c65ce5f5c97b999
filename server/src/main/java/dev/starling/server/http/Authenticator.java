package dev.starling.server.http;

import java.util.Optional;

/**
 * Finds the device an access token belongs to. The users package implements it; the dispatcher calls it
 * for routes whose {@link Access} is not {@link Access#PUBLIC}.
 *
 * <p>Implementations must not leak by timing which tokens exist (look tokens up by a hash, or compare in
 * constant time) and must never log the token (SECURITY.md item 24). To ask for a soft logout, throw
 * {@link MatrixException#unknownToken(boolean) MatrixException.unknownToken(true)}.
 */
@FunctionalInterface
public interface Authenticator {
    /** The device of {@code accessToken}, or empty if the token is unknown, logged out or expired. */
    Optional<AuthenticatedDevice> authenticate(String accessToken);

    /** An authenticator that knows no token; every authenticated route answers M_UNKNOWN_TOKEN. */
    static Authenticator none() {
        return token -> Optional.empty();
    }
}
