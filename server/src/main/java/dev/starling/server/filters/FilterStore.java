package dev.starling.server.filters;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.storage.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/**
 * Uploaded filters on disk (table {@code filters}, migration V5): numbered per user from 0 as Synapse does; the
 * same filter uploaded again gets its first ID back, so clients that upload their filter at every start do not
 * grow the table.
 */
final class FilterStore {
    private final Database db;

    FilterStore(Database db) {
        this.db = db;
    }

    long add(UserId user, ObjectNode filter) {
        String json = CanonicalJson.encodeToString(filter);
        // Two concurrent uploads may take the same next ID (PostgreSQL): the loser's insert fails; try again.
        for (int attempt = 1; ; attempt++) {
            try {
                return insert(user, json);
            } catch (dev.starling.server.storage.StorageException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private long insert(UserId user, String json) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT filter_id FROM filters WHERE user_id = ? AND json = ?")) {
                s.setString(1, user.value());
                s.setString(2, json);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        return r.getLong(1);
                    }
                }
            }
            long next;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT COALESCE(MAX(filter_id) + 1, 0) FROM filters WHERE user_id = ?")) {
                s.setString(1, user.value());
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    next = r.getLong(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO filters (user_id, filter_id, json) VALUES (?, ?, ?)")) {
                s.setString(1, user.value());
                s.setLong(2, next);
                s.setString(3, json);
                s.executeUpdate();
            }
            return next;
        });
    }

    Optional<ObjectNode> get(UserId user, long filterId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT json FROM filters WHERE user_id = ? AND filter_id = ?")) {
                s.setString(1, user.value());
                s.setLong(2, filterId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(CanonicalJson.parseObject(r.getString(1))) : Optional.empty();
                }
            }
        });
    }
}
