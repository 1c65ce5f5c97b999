package dev.starling.server.profile;

import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;
import java.util.Optional;

/**
 * Local users' profiles in the {@code profiles} table (migration V7). A user with no row has the profile a
 * new account gets, display name = localpart (as Synapse sets at registration), so registration writes
 * nothing here. Thread-safe; every method is one transaction.
 */
public final class ProfileStore {
    private final Database db;

    public ProfileStore(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** The user's profile; the caller checks that the user exists. */
    public Profile get(UserId user) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT displayname, avatar_url FROM profiles WHERE user_id = ?")) {
                s.setString(1, user.value());
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? new Profile(Optional.ofNullable(r.getString(1)), Optional.ofNullable(r.getString(2)))
                            : defaultProfile(user);
                }
            }
        });
    }

    /** Sets (or, with empty, clears) the display name. */
    void setDisplayname(UserId user, Optional<String> displayname) {
        set(user, "displayname", displayname);
    }

    /** Sets (or, with empty, clears) the avatar URL. */
    void setAvatarUrl(UserId user, Optional<String> avatarUrl) {
        set(user, "avatar_url", avatarUrl);
    }

    private void set(UserId user, String column, Optional<String> value) {
        db.inTransaction(c -> {
            // The first change writes the default profile with this field changed; later ones update the field.
            Profile base = defaultProfile(user);
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO profiles (user_id, displayname, avatar_url) VALUES (?, ?, ?)
                    ON CONFLICT (user_id) DO UPDATE SET %s = excluded.%s""".formatted(column, column))) {
                s.setString(1, user.value());
                s.setString(2, column.equals("displayname") ? value.orElse(null) : base.displayname().orElse(null));
                s.setString(3, column.equals("avatar_url") ? value.orElse(null) : base.avatarUrl().orElse(null));
                s.executeUpdate();
            }
            return null;
        });
    }

    private static Profile defaultProfile(UserId user) {
        return new Profile(Optional.of(user.localpart()), Optional.empty());
    }
}
