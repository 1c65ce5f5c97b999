package dev.starling.server.rooms;

import dev.starling.protocol.events.StateKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Delta-compressed state snapshots (see README.md): a group holds the entries that changed since its
 * {@code prev_group}; every {@value #MAX_CHAIN}th group in a chain is a full snapshot, so a read walks at
 * most that many groups. State keys are interned to numbers ({@code state_keys}); events are named by their
 * stream ordering. Methods take the caller's connection: they are steps of a larger transaction.
 */
final class StateGroups {
    /** The longest chain of deltas before a full snapshot is written. */
    static final int MAX_CHAIN = 64;

    private StateGroups() {}

    /** The interned id of {@code key}, creating it if new. */
    static long intern(Connection c, StateKey key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO state_keys (type, state_key) VALUES (?, ?) ON CONFLICT (type, state_key) DO NOTHING")) {
            s.setString(1, key.type());
            s.setString(2, key.stateKey());
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM state_keys WHERE type = ? AND state_key = ?")) {
            s.setString(1, key.type());
            s.setString(2, key.stateKey());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /**
     * A new group: {@code prevGroup} (0: none) with {@code key} set to the event at {@code eventOrdering}.
     * Returns its id.
     */
    static long append(Connection c, String roomId, long prevGroup, StateKey key, long eventOrdering)
            throws SQLException {
        long keyId = intern(c, key);
        long chain = prevGroup == 0 ? -1 : chainLength(c, prevGroup);
        boolean full = prevGroup == 0 || chain + 1 >= MAX_CHAIN;
        long group;
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO state_groups (room_id, prev_group, chain_length) VALUES (?, ?, ?) RETURNING id")) {
            s.setString(1, roomId);
            if (full) {
                s.setNull(2, java.sql.Types.BIGINT);
            } else {
                s.setLong(2, prevGroup);
            }
            s.setLong(3, full ? 0 : chain + 1);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                group = r.getLong(1);
            }
        }
        Map<Long, Long> entries = new HashMap<>();
        if (full && prevGroup != 0) {
            entries.putAll(entryIds(c, prevGroup));
        }
        entries.put(keyId, eventOrdering);
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO state_group_entries (state_group, state_key_id, event_ordering) VALUES (?, ?, ?)")) {
            for (Map.Entry<Long, Long> e : entries.entrySet()) {
                s.setLong(1, group);
                s.setLong(2, e.getKey());
                s.setLong(3, e.getValue());
                s.addBatch();
            }
            s.executeBatch();
        }
        return group;
    }

    /**
     * A new group holding exactly {@code state} (state key → event ordering), written as a delta on
     * {@code baseGroup} when the base's keys are all in {@code state} and its chain is short enough, else as a
     * full snapshot (a delta cannot remove a key). For a state computed by state resolution. Returns its id.
     */
    static long snapshot(Connection c, String roomId, long baseGroup, Map<StateKey, Long> state) throws SQLException {
        Map<Long, Long> wanted = new HashMap<>();
        for (Map.Entry<StateKey, Long> e : state.entrySet()) {
            wanted.put(intern(c, e.getKey()), e.getValue());
        }
        Map<Long, Long> base = baseGroup == 0 ? Map.of() : entryIds(c, baseGroup);
        long chain = baseGroup == 0 ? -1 : chainLength(c, baseGroup);
        boolean full = baseGroup == 0 || chain + 1 >= MAX_CHAIN || !wanted.keySet().containsAll(base.keySet());
        Map<Long, Long> entries = new HashMap<>();
        if (full) {
            entries.putAll(wanted);
        } else {
            wanted.forEach((key, ordering) -> {
                if (!ordering.equals(base.get(key))) {
                    entries.put(key, ordering);
                }
            });
        }
        long group;
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO state_groups (room_id, prev_group, chain_length) VALUES (?, ?, ?) RETURNING id")) {
            s.setString(1, roomId);
            if (full) {
                s.setNull(2, java.sql.Types.BIGINT);
            } else {
                s.setLong(2, baseGroup);
            }
            s.setLong(3, full ? 0 : chain + 1);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                group = r.getLong(1);
            }
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO state_group_entries (state_group, state_key_id, event_ordering) VALUES (?, ?, ?)")) {
            for (Map.Entry<Long, Long> e : entries.entrySet()) {
                s.setLong(1, group);
                s.setLong(2, e.getKey());
                s.setLong(3, e.getValue());
                s.addBatch();
            }
            if (!entries.isEmpty()) {
                s.executeBatch();
            }
        }
        return group;
    }

    /** Every entry of the group, resolved through its chain: state key → event ID. */
    static Map<StateKey, String> load(Connection c, long group) throws SQLException {
        Map<StateKey, String> state = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(CHAIN + """
                SELECT k.type, k.state_key, e.event_id FROM chain ch
                JOIN state_group_entries g ON g.state_group = ch.id
                JOIN state_keys k ON k.id = g.state_key_id
                JOIN events e ON e.stream_ordering = g.event_ordering
                ORDER BY ch.n""")) {
            s.setLong(1, group);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    // The nearest group's entry wins: rows come nearest first.
                    state.putIfAbsent(new StateKey(r.getString(1), r.getString(2)), r.getString(3));
                }
            }
        }
        return state;
    }

    /** The event ID at {@code key} in the group, if any. */
    static Optional<String> lookup(Connection c, long group, StateKey key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(CHAIN + """
                SELECT e.event_id FROM chain ch
                JOIN state_group_entries g ON g.state_group = ch.id
                JOIN state_keys k ON k.id = g.state_key_id
                JOIN events e ON e.stream_ordering = g.event_ordering
                WHERE k.type = ? AND k.state_key = ?
                ORDER BY ch.n LIMIT 1""")) {
            s.setLong(1, group);
            s.setString(2, key.type());
            s.setString(3, key.stateKey());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    private static final String CHAIN = """
            WITH RECURSIVE chain (id, prev, n) AS (
                SELECT id, prev_group, 0 FROM state_groups WHERE id = ?
                UNION ALL
                SELECT g.id, g.prev_group, ch.n + 1 FROM state_groups g JOIN chain ch ON g.id = ch.prev)
            """;

    private static long chainLength(Connection c, long group) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT chain_length FROM state_groups WHERE id = ?")) {
            s.setLong(1, group);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Interned key id → event ordering, resolved through the chain. */
    private static Map<Long, Long> entryIds(Connection c, long group) throws SQLException {
        Map<Long, Long> entries = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(CHAIN + """
                SELECT g.state_key_id, g.event_ordering FROM chain ch
                JOIN state_group_entries g ON g.state_group = ch.id
                ORDER BY ch.n""")) {
            s.setLong(1, group);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    entries.putIfAbsent(r.getLong(1), r.getLong(2));
                }
            }
        }
        return entries;
    }
}
