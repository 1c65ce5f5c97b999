package dev.starling.server.users;

import dev.starling.server.storage.Database;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Registration tokens in the {@code registration_tokens} table (Client-Server API § Token-authenticated
 * registration): how many registrations each allows, how many are in progress ({@code pending}) and done
 * ({@code completed}), and when it expires. Only the SHA-256 of a token is stored, so a token is shown once,
 * when created. A token is usable while it has not expired and {@code pending + completed < uses_allowed}.
 * Thread-safe; every method is one transaction.
 */
public final class RegistrationTokenStore {
    /** The spec's grammar: 1 to 64 characters of {@code [A-Za-z0-9._~-]}. */
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /** Length of generated tokens: 24 characters of 62, about 143 bits. */
    public static final int GENERATED_LENGTH = 24;

    /** A stored token as an operator sees it: never the token itself, only its first characters. */
    public record Token(String prefix, OptionalLong usesAllowed, long pending, long completed, OptionalLong expiryTs,
            long createdTs) {}

    private final Database db;
    private final Clock clock;

    public RegistrationTokenStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether {@code token} has the spec's form (1–64 of {@code [A-Za-z0-9._~-]}). */
    public static boolean isWellFormed(String token) {
        return FORMAT.matcher(token).matches();
    }

    /** A fresh random token of {@value #GENERATED_LENGTH} letters and digits. */
    public static String generate(SecureRandom random) {
        StringBuilder token = new StringBuilder(GENERATED_LENGTH);
        for (int i = 0; i < GENERATED_LENGTH; i++) {
            token.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return token.toString();
    }

    /**
     * Stores a new token.
     *
     * @param usesAllowed how many registrations it allows; empty for unlimited
     * @param expiryTs when it expires (ms since the epoch); empty for never
     * @return false if the token already exists
     * @throws IllegalArgumentException if the token is not well formed or {@code usesAllowed} is negative
     */
    public boolean create(String token, OptionalLong usesAllowed, OptionalLong expiryTs) {
        if (!isWellFormed(token)) {
            throw new IllegalArgumentException("a registration token is 1 to 64 characters of A-Z a-z 0-9 . _ ~ -");
        }
        if (usesAllowed.isPresent() && usesAllowed.getAsLong() < 0) {
            throw new IllegalArgumentException("uses allowed cannot be negative");
        }
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO registration_tokens (token_hash, token_prefix, uses_allowed, expiry_ts, created_ts)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING""")) {
                s.setBytes(1, TokenHash.of(token).bytes());
                s.setString(2, prefix(token));
                setOptional(s, 3, usesAllowed);
                setOptional(s, 4, expiryTs);
                s.setLong(5, clock.millis());
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Every stored token, oldest first. */
    public List<Token> list() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT token_prefix, uses_allowed, pending, completed, expiry_ts, created_ts
                    FROM registration_tokens ORDER BY created_ts, token_prefix""");
                    ResultSet r = s.executeQuery()) {
                List<Token> tokens = new ArrayList<>();
                while (r.next()) {
                    tokens.add(new Token(r.getString(1), optional(r, 2), r.getLong(3), r.getLong(4), optional(r, 5),
                            r.getLong(6)));
                }
                return tokens;
            }
        });
    }

    /** Deletes a token; false if there is none such. */
    public boolean delete(String token) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM registration_tokens WHERE token_hash = ?")) {
                s.setBytes(1, TokenHash.of(token).bytes());
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Whether any token is stored (registration is possible with one even when the config has none). */
    public boolean any() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM registration_tokens LIMIT 1");
                    ResultSet r = s.executeQuery()) {
                return r.next();
            }
        });
    }

    /** Whether {@code token} exists, has not expired and has a use left (the validity endpoint's answer). */
    public boolean valid(String token) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM registration_tokens WHERE token_hash = ?"
                    + USABLE)) {
                s.setBytes(1, TokenHash.of(token).bytes());
                s.setLong(2, clock.millis());
                try (ResultSet r = s.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    /**
     * Takes one use of {@code token} for a registration in progress ({@code pending + 1}) if it is still
     * usable; atomic, so concurrent registrations never exceed {@code uses_allowed}. Follow with
     * {@link #complete} or {@link #release}.
     */
    public boolean reserve(String token) {
        return update(token, "UPDATE registration_tokens SET pending = pending + 1 WHERE token_hash = ?" + USABLE,
                true);
    }

    /** The registration of a {@link #reserve reserved} use succeeded: {@code pending - 1, completed + 1}. */
    public void complete(String token) {
        update(token, "UPDATE registration_tokens SET pending = pending - 1, completed = completed + 1"
                + " WHERE token_hash = ? AND pending > 0", false);
    }

    /** The registration of a {@link #reserve reserved} use failed: the use is given back. */
    public void release(String token) {
        update(token, "UPDATE registration_tokens SET pending = pending - 1 WHERE token_hash = ? AND pending > 0",
                false);
    }

    private static final String USABLE = " AND (expiry_ts IS NULL OR expiry_ts > ?)"
            + " AND (uses_allowed IS NULL OR pending + completed < uses_allowed)";

    private boolean update(String token, String sql, boolean withNow) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setBytes(1, TokenHash.of(token).bytes());
                if (withNow) {
                    s.setLong(2, clock.millis());
                }
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Enough of a long token to tell it apart; nothing of a short one (it would be most of the secret). */
    private static String prefix(String token) {
        return token.length() >= 16 ? token.substring(0, 4) : "";
    }

    private static void setOptional(PreparedStatement s, int index, OptionalLong value) throws SQLException {
        if (value.isPresent()) {
            s.setLong(index, value.getAsLong());
        } else {
            s.setNull(index, Types.BIGINT);
        }
    }

    private static OptionalLong optional(ResultSet r, int column) throws SQLException {
        long value = r.getLong(column);
        return r.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
    }
}
