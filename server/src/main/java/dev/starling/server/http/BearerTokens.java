package dev.starling.server.http;

import java.util.List;
import java.util.Optional;

/**
 * Finds the access token of a request (Client-Server API § Using access tokens): the
 * {@code Authorization: Bearer} header, or the deprecated {@code access_token} query parameter that the
 * spec versions we advertise still allow (removed in v1.20). Sending it twice is refused rather than
 * guessing which one counts.
 */
final class BearerTokens {
    private static final String BEARER = "bearer ";

    private BearerTokens() {}

    static Optional<String> find(List<String> authorizationHeaders, List<String> queryTokens) {
        if (authorizationHeaders.size() + queryTokens.size() > 1) {
            throw MatrixException.missingToken("send the access token once, in the Authorization header");
        }
        if (!authorizationHeaders.isEmpty()) {
            String header = authorizationHeaders.get(0);
            // The scheme is case-insensitive; compared in place rather than on a lowercased copy of the header.
            if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                // Another scheme (e.g. X-Matrix on a client route): no client access token.
                return Optional.empty();
            }
            return nonEmpty(header.substring(BEARER.length()).strip());
        }
        if (!queryTokens.isEmpty()) {
            return nonEmpty(queryTokens.get(0));
        }
        return Optional.empty();
    }

    private static Optional<String> nonEmpty(String token) {
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
