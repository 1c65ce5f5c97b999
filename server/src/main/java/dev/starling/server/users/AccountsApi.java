package dev.starling.server.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.AuthenticatedDevice;
import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The HTTP side of accounts: registration, login, logout and whoami. The rules are in {@link Accounts}. */
public final class AccountsApi {
    static final String DUMMY = "m.login.dummy";
    static final String REGISTRATION_TOKEN = "m.login.registration_token";
    static final String PASSWORD = "m.login.password";

    /** Who may register: anyone ({@code open}), or holders of one of {@code tokens}; neither means nobody. */
    public record RegistrationPolicy(boolean open, List<String> tokens) {
        public RegistrationPolicy {
            tokens = List.copyOf(tokens);
        }

        boolean enabled() {
            return open || !tokens.isEmpty();
        }

        /** Compares in constant time so that tokens cannot be guessed byte by byte. */
        boolean acceptsToken(String token) {
            byte[] given = token.getBytes(StandardCharsets.UTF_8);
            boolean found = false;
            for (String accepted : tokens) {
                found |= MessageDigest.isEqual(given, accepted.getBytes(StandardCharsets.UTF_8));
            }
            return found;
        }

        @Override
        public String toString() {
            return "RegistrationPolicy[" + (open ? "open" : "closed") + ", " + tokens.size() + " tokens]";
        }
    }

    private final Accounts accounts;
    private final RegistrationPolicy policy;
    private final Optional<RegistrationTokenStore> storedTokens;
    private final UserInteractiveAuth registrationAuth;
    private final PasswordReauth reauth;

    /** Accounts whose registration tokens are only those of {@code policy} (the configuration file). */
    public AccountsApi(Accounts accounts, RegistrationPolicy policy, Clock clock, SecureRandom random) {
        this(accounts, policy, Optional.empty(), clock, random);
    }

    /**
     * Accounts whose registration tokens are those of {@code policy} and those in {@code storedTokens} (created
     * by the operator with {@code starling admin registration-token create}, with use counts and expiry). A
     * closed server then always offers the token flow, since tokens may be created while it runs.
     */
    public AccountsApi(Accounts accounts, RegistrationPolicy policy, RegistrationTokenStore storedTokens, Clock clock,
            SecureRandom random) {
        this(accounts, policy, Optional.of(storedTokens), clock, random);
    }

    private AccountsApi(Accounts accounts, RegistrationPolicy policy, Optional<RegistrationTokenStore> storedTokens,
            Clock clock, SecureRandom random) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.storedTokens = storedTokens;
        List<List<String>> flows = new ArrayList<>();
        Map<String, UserInteractiveAuth.StageCheck> checks = new HashMap<>();
        if (policy.open()) {
            flows.add(List.of(DUMMY));
            checks.put(DUMMY, auth -> true);
        }
        if (!policy.tokens().isEmpty() || (storedTokens.isPresent() && !policy.open())) {
            flows.add(List.of(REGISTRATION_TOKEN));
            checks.put(REGISTRATION_TOKEN, auth -> auth.path("token").isTextual()
                    && tokenValid(auth.get("token").textValue()));
        }
        this.registrationAuth = new UserInteractiveAuth(flows, checks, clock, random);
        this.reauth = new PasswordReauth(accounts, clock, random);
    }

    /** A configured token, or a stored one that is usable now. */
    private boolean tokenValid(String token) {
        return policy.acceptsToken(token) || (RegistrationTokenStore.isWellFormed(token)
                && storedTokens.map(store -> store.valid(token)).orElse(false));
    }

    private boolean registrationEnabled() {
        return policy.enabled() || storedTokens.map(RegistrationTokenStore::any).orElse(false);
    }

    /** POST /_matrix/client/v3/register — Client-Server API § Account registration. */
    public MatrixResponse register(MatrixRequest request) {
        if (request.queryParam("kind").orElse("user").equals("guest")) {
            throw new MatrixException(ErrorCode.M_GUEST_ACCESS_FORBIDDEN, "guest accounts are not supported");
        }
        if (!request.queryParam("kind").orElse("user").equals("user")) {
            throw MatrixException.invalidParam("kind", "must be user or guest");
        }
        if (!registrationEnabled()) {
            throw MatrixException.forbidden("registration is disabled on this server");
        }
        ObjectNode body = request.jsonBodyOrEmpty();
        Optional<String> username = optionalText(body, "username");
        Optional<String> password = optionalText(body, "password");
        Optional<DeviceId> deviceId = optionalText(body, "device_id").map(AccountsApi::deviceId);
        Optional<String> displayName = optionalText(body, "initial_device_display_name");
        boolean inhibitLogin = optionalBoolean(body, "inhibit_login");
        // Synapse checks the user name before the UIA stages, so a client learns of a taken name early.
        if (username.isPresent() && !accounts.available(username.get())) {
            throw new MatrixException(ErrorCode.M_USER_IN_USE, "that user ID is taken");
        }
        Optional<ObjectNode> challenge = registrationAuth.process(body);
        if (challenge.isPresent()) {
            return MatrixResponse.ok(challenge.get()).withStatus(401);
        }
        Optional<String> storedToken = storedTokenUsed(body);
        if (storedToken.isPresent() && !storedTokens.orElseThrow().reserve(storedToken.get())) {
            // Used up or expired between the stage check and now (a concurrent registration took the last use).
            throw MatrixException.forbidden("the registration token is no longer valid");
        }
        Accounts.Registration registration;
        try {
            registration = accounts.register(username, password, deviceId, displayName, inhibitLogin);
        } catch (RuntimeException e) {
            storedToken.ifPresent(token -> storedTokens.orElseThrow().release(token));
            throw e;
        }
        storedToken.ifPresent(token -> storedTokens.orElseThrow().complete(token));
        return MatrixResponse.ok(registration.session().map(AccountsApi::sessionJson)
                // inhibit_login: the account exists, no device was made.
                .orElseGet(() -> JsonNodeFactory.instance.objectNode().put("user_id", registration.userId().value())));
    }

    /**
     * The stored (not configured) registration token with which this request completed its flow, if any: a
     * use of it is counted. Configured tokens have no count.
     */
    private Optional<String> storedTokenUsed(ObjectNode body) {
        JsonNode auth = body.path("auth");
        if (storedTokens.isEmpty() || !auth.path("type").asText("").equals(REGISTRATION_TOKEN)
                || !auth.path("token").isTextual()) {
            return Optional.empty();
        }
        String token = auth.get("token").textValue();
        return policy.acceptsToken(token) ? Optional.empty() : Optional.of(token);
    }

    /** GET /_matrix/client/v3/register/available — Client-Server API § Account registration. */
    public MatrixResponse available(MatrixRequest request) {
        String username = request.queryParam("username").orElseThrow(() -> MatrixException.missingParam("username"));
        if (!accounts.available(username)) {
            throw new MatrixException(ErrorCode.M_USER_IN_USE, "that user ID is taken");
        }
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode().put("available", true));
    }

    /** GET /_matrix/client/v1/register/m.login.registration_token/validity — Client-Server API § Token-authenticated registration. */
    public MatrixResponse tokenValidity(MatrixRequest request) {
        String token = request.queryParam("token").orElseThrow(() -> MatrixException.missingParam("token"));
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode().put("valid", tokenValid(token)));
    }

    /** GET /_matrix/client/v3/login — Client-Server API § Login. */
    public MatrixResponse loginFlows(MatrixRequest request) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.putArray("flows").addObject().put("type", PASSWORD);
        return MatrixResponse.ok(out);
    }

    /** POST /_matrix/client/v3/login — Client-Server API § Login, {@code m.login.password}. */
    public MatrixResponse login(MatrixRequest request) {
        ObjectNode body = request.jsonBody();
        String type = optionalText(body, "type").orElseThrow(() -> MatrixException.missingParam("type"));
        if (!type.equals(PASSWORD)) {
            throw new MatrixException(ErrorCode.M_UNKNOWN, "unsupported login type " + type);
        }
        String user = loginUser(body);
        String password = optionalText(body, "password").orElseThrow(() -> MatrixException.missingParam("password"));
        UserId userId;
        try {
            userId = user.startsWith("@") ? UserId.parse(user.toLowerCase(java.util.Locale.ROOT))
                    : UserId.of(user.toLowerCase(java.util.Locale.ROOT), accounts.serverName());
        } catch (InvalidIdentifierException e) {
            throw MatrixException.forbidden("invalid user name or password");
        }
        Session session = accounts.login(userId, password,
                optionalText(body, "device_id").map(AccountsApi::deviceId),
                optionalText(body, "initial_device_display_name"));
        return MatrixResponse.ok(sessionJson(session));
    }

    /** POST /_matrix/client/v3/logout — Client-Server API § Logout. */
    public MatrixResponse logout(MatrixRequest request) {
        accounts.logout(request.requireDevice());
        return MatrixResponse.empty();
    }

    /** POST /_matrix/client/v3/logout/all — Client-Server API § Logout. */
    public MatrixResponse logoutAll(MatrixRequest request) {
        accounts.logoutAll(request.requireDevice().userId());
        return MatrixResponse.empty();
    }

    /**
     * POST /_matrix/client/v3/account/password — Client-Server API § Password management. Needs the current
     * password (user-interactive auth); {@code logout_devices} (default true) also logs out every other device.
     */
    public MatrixResponse changePassword(MatrixRequest request) {
        AuthenticatedDevice device = request.requireDevice();
        ObjectNode body = request.jsonBody();
        String newPassword = optionalText(body, "new_password")
                .orElseThrow(() -> MatrixException.missingParam("new_password"));
        if (newPassword.isEmpty()) {
            throw new MatrixException(ErrorCode.M_WEAK_PASSWORD, "the new password must not be empty");
        }
        JsonNode logout = body.get("logout_devices");
        if (logout != null && !logout.isBoolean()) {
            throw MatrixException.badJson("logout_devices must be true or false");
        }
        Optional<ObjectNode> challenge = reauth.process(device.userId(), body);
        if (challenge.isPresent()) {
            return MatrixResponse.ok(challenge.get()).withStatus(401);
        }
        accounts.changePassword(device, newPassword, logout == null || logout.booleanValue());
        return MatrixResponse.empty();
    }

    /** GET /_matrix/client/v3/account/whoami — Client-Server API § Current account information. */
    public MatrixResponse whoami(MatrixRequest request) {
        AuthenticatedDevice device = request.requireDevice();
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode()
                .put("user_id", device.userId().value())
                .put("device_id", device.deviceId().value())
                .put("is_guest", false));
    }

    /** The user of a login: {@code identifier} of type {@code m.id.user}, or the deprecated top-level {@code user}. */
    private static String loginUser(ObjectNode body) {
        JsonNode identifier = body.get("identifier");
        if (identifier != null) {
            if (!identifier.isObject()) {
                throw MatrixException.badJson("identifier must be an object");
            }
            String kind = identifier.path("type").asText("");
            if (!kind.equals("m.id.user")) {
                throw new MatrixException(ErrorCode.M_UNKNOWN, "unsupported identifier type " + kind);
            }
            return optionalText((ObjectNode) identifier, "user").orElseThrow(() -> MatrixException.missingParam("identifier.user"));
        }
        return optionalText(body, "user").orElseThrow(() -> MatrixException.missingParam("identifier"));
    }

    private static ObjectNode sessionJson(Session session) {
        return JsonNodeFactory.instance.objectNode()
                .put("user_id", session.userId().value())
                .put("access_token", session.accessToken())
                .put("device_id", session.deviceId().value());
    }

    private static DeviceId deviceId(String value) {
        try {
            return DeviceId.parse(value);
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam("device_id", e.getMessage());
        }
    }

    private static Optional<String> optionalText(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw MatrixException.badJson(field + " must be a string");
        }
        return Optional.of(node.textValue());
    }

    private static boolean optionalBoolean(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw MatrixException.badJson(field + " must be true or false");
        }
        return node.booleanValue();
    }
}
