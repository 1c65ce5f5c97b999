package dev.starling.server.users;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.AuthenticatedDevice;
import dev.starling.server.http.Authenticator;
import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Accounts and their devices: registration, password login, logout, and finding the device of an access
 * token. The rules here are the Client-Server API's ("Account registration and management", "Login"); the
 * HTTP shapes are in {@link AccountsApi}.
 */
public final class Accounts implements Authenticator {
    /** Longer passwords are refused: Argon2 would hash them, but nobody types 512 bytes and it costs memory. */
    public static final int MAX_PASSWORD_BYTES = 512;
    private static final String DEVICE_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final int DEVICE_ID_LENGTH = 10;

    private final ServerName serverName;
    private final UserStore users;
    private final DeviceStore devices;
    private final PasswordHasher passwords;
    private final AccessTokens tokens;
    private final SecureRandom random;
    /**
     * Checked when the user does not exist, so that a login takes as long whether or not it does. Hashed on a
     * thread of its own (an Argon2 hash is ~100 ms, off a server start's critical path); logins wait for it.
     */
    private final CompletableFuture<String> decoyHash;

    private final DeviceRemoval removal;
    private final TokenCache tokenCache = new TokenCache();

    public Accounts(ServerName serverName, UserStore users, DeviceStore devices, PasswordHasher passwords,
            SecureRandom random) {
        this(serverName, users, devices, passwords, random, DeviceRemoval.NONE);
    }

    /** @param removal what other areas remove with a device (its keys, its to-device messages) */
    public Accounts(ServerName serverName, UserStore users, DeviceStore devices, PasswordHasher passwords,
            SecureRandom random, DeviceRemoval removal) {
        this.removal = Objects.requireNonNull(removal, "removal");
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.users = Objects.requireNonNull(users, "users");
        this.devices = Objects.requireNonNull(devices, "devices");
        this.passwords = Objects.requireNonNull(passwords, "passwords");
        this.random = Objects.requireNonNull(random, "random");
        this.tokens = new AccessTokens(random);
        this.decoyHash = CompletableFuture.supplyAsync(() -> passwords.hash("decoy password"),
                task -> Thread.ofPlatform().daemon().name("decoy-password-hash").start(task));
    }

    /** A new account: its user ID and, unless login was inhibited, its first session. */
    public record Registration(UserId userId, Optional<Session> session) {}

    public ServerName serverName() {
        return serverName;
    }

    /**
     * The user ID a registration for {@code username} would get, checked against the grammar: lower-cased
     * (as Synapse does), only {@code [a-z0-9._=\-/+]}, not starting with '_' (reserved for bridges) and not all
     * digits (reserved for generated names), at most 255 bytes in all.
     *
     * @throws MatrixException {@code M_INVALID_USERNAME}
     */
    public UserId userIdFor(String username) {
        String localpart = username.toLowerCase(Locale.ROOT);
        if (!UserId.isCompliantLocalpart(localpart)) {
            throw new MatrixException(ErrorCode.M_INVALID_USERNAME,
                    "user names may only contain a-z, 0-9 and . _ = - / +");
        }
        if (localpart.startsWith("_")) {
            throw new MatrixException(ErrorCode.M_INVALID_USERNAME, "user names starting with '_' are reserved");
        }
        if (localpart.chars().allMatch(Character::isDigit)) {
            throw new MatrixException(ErrorCode.M_INVALID_USERNAME, "numeric user names are reserved");
        }
        try {
            return UserId.of(localpart, serverName);
        } catch (InvalidIdentifierException e) {
            throw new MatrixException(ErrorCode.M_INVALID_USERNAME, "the user ID would be longer than 255 bytes");
        }
    }

    /** True when {@code username} is valid and not taken. @throws MatrixException as {@link #userIdFor} */
    public boolean available(String username) {
        return !users.exists(userIdFor(username));
    }

    /**
     * Creates an account and, unless {@code inhibitLogin}, its first device with a fresh access token.
     * Returns the new user's ID and, unless {@code inhibitLogin}, the session.
     *
     * @param username the wanted user name, or empty to get a generated one
     * @param password the password, or empty for an account that cannot log in with a password
     * @throws MatrixException {@code M_INVALID_USERNAME}, {@code M_USER_IN_USE}, {@code M_INVALID_PARAM}
     */
    public Registration register(Optional<String> username, Optional<String> password,
            Optional<DeviceId> deviceId, Optional<String> deviceDisplayName, boolean inhibitLogin) {
        password.ifPresent(Accounts::checkPasswordLength);
        String hash = password.map(passwords::hash).orElse(null);
        UserId userId;
        if (username.isPresent()) {
            userId = userIdFor(username.get());
            try {
                create(userId, hash);
            } catch (UserExistsException e) {
                throw new MatrixException(ErrorCode.M_USER_IN_USE, "that user ID is taken");
            }
        } else {
            userId = createWithGeneratedName(hash);
        }
        if (inhibitLogin) {
            return new Registration(userId, Optional.empty());
        }
        return new Registration(userId, Optional.of(newSession(userId, deviceId, deviceDisplayName)));
    }

    /**
     * Logs a user in with a password, on a new device or (replacing its token) on the given one.
     *
     * @throws MatrixException {@code M_FORBIDDEN} for an unknown user or wrong password (the same answer, so
     *     that user names cannot be probed), {@code M_USER_DEACTIVATED} for a deactivated account
     */
    public Session login(UserId userId, String password, Optional<DeviceId> deviceId,
            Optional<String> deviceDisplayName) {
        if (!userId.server().equals(serverName)) {
            throw MatrixException.forbidden("invalid user name or password");
        }
        Optional<User> user = users.get(userId);
        if (user.isPresent() && user.get().deactivated()) {
            throw new MatrixException(ErrorCode.M_USER_DEACTIVATED, "this account has been deactivated");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw MatrixException.forbidden("invalid user name or password");
        }
        Optional<String> stored = user.isPresent() ? users.passwordHash(userId) : Optional.empty();
        boolean matches = passwords.verify(password, stored.orElseGet(decoyHash::join));
        if (stored.isEmpty() || !matches) {
            throw MatrixException.forbidden("invalid user name or password");
        }
        if (passwords.needsRehash(stored.get())) {
            users.setPasswordHash(userId, passwords.hash(password));
        }
        return newSession(userId, deviceId, deviceDisplayName);
    }

    /**
     * Whether {@code password} is the user's (user-interactive auth, {@code m.login.password}); false for an
     * unknown, remote or deactivated user, or one without a password. Takes as long whether or not the user exists.
     */
    public boolean checkPassword(UserId userId, String password) {
        if (!userId.server().equals(serverName)
                || password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            return false;
        }
        Optional<User> user = users.get(userId);
        Optional<String> stored = user.isPresent() && !user.get().deactivated() ? users.passwordHash(userId)
                : Optional.empty();
        boolean matches = passwords.verify(password, stored.orElseGet(decoyHash::join));
        return stored.isPresent() && matches;
    }

    /** Deletes the device of this access token, and so the token (POST /logout), with its keys. */
    public void logout(AuthenticatedDevice device) {
        devices.deleteDevices(device.userId(), List.of(device.deviceId()), removal);
    }

    /** Deletes every device of the user, and so every token (POST /logout/all), with their keys. */
    public void logoutAll(UserId userId) {
        deleteDevices(userId, devices.list(userId).stream().map(Device::deviceId).toList());
    }

    /** Deletes the user's devices among {@code deviceIds} with their tokens and keys; returns how many. */
    public int deleteDevices(UserId userId, java.util.Collection<DeviceId> deviceIds) {
        return devices.deleteDevices(userId, deviceIds, removal);
    }

    /**
     * Sets a new password (POST /account/password, after the old one was proved); with {@code logoutDevices},
     * also deletes every other device of the user, so that every other access token stops working.
     */
    public void changePassword(AuthenticatedDevice device, String newPassword, boolean logoutDevices) {
        checkPasswordLength(newPassword);
        if (!users.setPasswordHash(device.userId(), passwords.hash(newPassword))) {
            throw new MatrixException(ErrorCode.M_USER_DEACTIVATED, "this account has been deactivated");
        }
        if (logoutDevices) {
            deleteDevices(device.userId(), devices.list(device.userId()).stream().map(Device::deviceId)
                    .filter(id -> !id.equals(device.deviceId())).toList());
        }
    }

    @Override
    public Optional<AuthenticatedDevice> authenticate(String accessToken) {
        return tokenCache.find(TokenHash.of(accessToken), hash -> devices.findByToken(hash)
                .map(device -> new AuthenticatedDevice(device.userId(), device.deviceId())));
    }

    private Session newSession(UserId userId, Optional<DeviceId> deviceId, Optional<String> displayName) {
        DeviceId id = deviceId.orElseGet(this::generateDeviceId);
        String token = tokens.generate();
        try {
            if (displayName.isPresent()) {
                devices.createDevice(userId, id, displayName.get(), TokenHash.of(token));
            } else {
                devices.createDevice(userId, id, TokenHash.of(token));
            }
        } catch (UnknownUserException e) {
            throw new MatrixException(ErrorCode.M_USER_DEACTIVATED, "this account has been deactivated");
        }
        return new Session(userId, id, token);
    }

    private void create(UserId userId, String passwordHash) {
        if (passwordHash == null) {
            users.createWithoutPassword(userId, false);
        } else {
            users.create(userId, passwordHash, false);
        }
    }

    private UserId createWithGeneratedName(String passwordHash) {
        for (int attempt = 0; ; attempt++) {
            UserId candidate = UserId.of("u" + Long.toString(Math.floorMod(random.nextLong(), 36L * 36 * 36 * 36 * 36 * 36 * 36 * 36), 36), serverName);
            try {
                create(candidate, passwordHash);
                return candidate;
            } catch (UserExistsException e) {
                if (attempt > 10) {
                    throw e;
                }
            }
        }
    }

    private DeviceId generateDeviceId() {
        StringBuilder id = new StringBuilder(DEVICE_ID_LENGTH);
        for (int i = 0; i < DEVICE_ID_LENGTH; i++) {
            id.append(DEVICE_ID_ALPHABET.charAt(random.nextInt(DEVICE_ID_ALPHABET.length())));
        }
        return new DeviceId(id.toString());
    }

    private static void checkPasswordLength(String password) {
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw MatrixException.invalidParam("password", "longer than " + MAX_PASSWORD_BYTES + " bytes");
        }
    }
}
