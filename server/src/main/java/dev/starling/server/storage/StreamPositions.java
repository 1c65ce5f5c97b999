package dev.starling.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The global stream position: one counter shared by every persistent stream a /sync reads (room events,
 * to-device messages, receipts, account data, device-list changes...). A writer takes positions inside its
 * transaction; a reader takes {@link #current} once and reads every stream up to it, so one sync answer is a
 * consistent cut. On PostgreSQL the counter's row stays locked until the writer commits, so positions become
 * visible in the order they were taken; SQLite has one writer anyway.
 */
public final class StreamPositions {
    private StreamPositions() {}

    /** Takes {@code count} consecutive positions and returns the first. */
    public static long take(Connection c, int count) throws SQLException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive");
        }
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE stream_position SET position = position + ? WHERE id = 1 RETURNING position")) {
            s.setLong(1, count);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1) - count + 1;
            }
        }
    }

    /** Takes one position. */
    public static long next(Connection c) throws SQLException {
        return take(c, 1);
    }

    /** The greatest committed position: everything at or below it is visible. */
    public static long current(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT position FROM stream_position WHERE id = 1");
                ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
