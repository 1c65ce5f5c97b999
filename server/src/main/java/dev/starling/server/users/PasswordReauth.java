package dev.starling.server.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.UserId;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * User-interactive authentication of an already logged-in user by their password ({@code m.login.password}),
 * for the endpoints that need it (deleting devices, replacing cross-signing keys). The {@code auth} dict must
 * name the authenticated user (or no user) and carry that user's password.
 */
public final class PasswordReauth {
    public static final String PASSWORD = "m.login.password";

    private final Accounts accounts;
    private final UserInteractiveAuth uia;

    public PasswordReauth(Accounts accounts, Clock clock, SecureRandom random) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.uia = new UserInteractiveAuth(List.of(List.of(PASSWORD)), Map.of(PASSWORD, auth -> false), clock, random);
    }

    /**
     * Processes the request's {@code auth} for {@code user}: empty when the user proved their password, else
     * the 401 body (flows, params, session, and an error after a failed attempt) to answer with.
     */
    public Optional<ObjectNode> process(UserId user, ObjectNode requestBody) {
        return uia.process(requestBody, Map.of(PASSWORD, auth -> namesUser(auth, user)
                && auth.path("password").isTextual() && accounts.checkPassword(user, auth.get("password").textValue())));
    }

    /** The auth dict's {@code identifier} (m.id.user) or deprecated {@code user}, if any, is {@code user}. */
    private static boolean namesUser(ObjectNode auth, UserId user) {
        JsonNode identifier = auth.get("identifier");
        String named;
        if (identifier != null && identifier.isObject()) {
            if (!identifier.path("type").asText("").equals("m.id.user") || !identifier.path("user").isTextual()) {
                return false;
            }
            named = identifier.get("user").textValue();
        } else if (auth.path("user").isTextual()) {
            named = auth.get("user").textValue();
        } else {
            return identifier == null;
        }
        String lower = named.toLowerCase(Locale.ROOT);
        try {
            return lower.startsWith("@") ? UserId.parse(lower).equals(user) : lower.equals(user.localpart());
        } catch (InvalidIdentifierException e) {
            return false;
        }
    }
}
