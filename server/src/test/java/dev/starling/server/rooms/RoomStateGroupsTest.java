package dev.starling.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.events.StateKey;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import dev.starling.server.storage.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** Delta-compressed state snapshots, on every database. */
class RoomStateGroupsTest {
    @OnEveryDatabase
    void eachGroupIsADeltaOnItsPredecessorUntilAChainIsLongThenAFullSnapshot(Backend backend) {
        try (TestDatabase t = backend.create()) {
            t.db().inTransaction(c -> {
                // Events named by their ordering; state_group_entries joins them by stream_ordering.
                Map<StateKey, String> expected = new HashMap<>();
                long placeholder = placeholder(c);
                long group = 0;
                int total = StateGroups.MAX_CHAIN + 10;
                for (int i = 1; i <= total; i++) {
                    StateKey key = new StateKey("m.room.member", "@u" + (i % 40) + ":example.org");
                    insertEvent(c, i, placeholder);
                    group = StateGroups.append(c, "!room:example.org", group, key, i);
                    expected.put(key, "$e" + i);
                    if (i == 5) {
                        assertThat(StateGroups.load(c, group)).hasSize(5);
                    }
                }
                assertThat(StateGroups.load(c, group)).isEqualTo(expected);
                assertThat(StateGroups.lookup(c, group, new StateKey("m.room.member", "@u1:example.org")))
                        .contains("$e41");
                assertThat(StateGroups.lookup(c, group, new StateKey("m.room.name", ""))).isEmpty();
                assertThat(count(c, "SELECT COUNT(*) FROM state_groups WHERE prev_group IS NULL AND room_id = '!room:example.org'")).isEqualTo(2);
                assertThat(count(c, "SELECT MAX(chain_length) FROM state_groups")).isEqualTo(StateGroups.MAX_CHAIN - 1);
                // Deltas hold one entry each; the two full snapshots hold everything known at that point.
                assertThat(count(c, "SELECT COUNT(*) FROM state_group_entries"))
                        .isEqualTo(total - 2 + 1 + 40);
                assertThat(count(c, "SELECT COUNT(*) FROM state_keys")).isEqualTo(40);
                return null;
            });
        }
    }

    @OnEveryDatabase
    void aResolvedStateIsWrittenAsADeltaWhenItOnlyAddsOrChangesKeysElseInFull(Backend backend) {
        try (TestDatabase t = backend.create()) {
            t.db().inTransaction(c -> {
                long placeholder = placeholder(c);
                // Hidden events (outliers, soft-failed, rejected: migration V11) have negative orderings.
                for (long ordering : new long[] {1, 2, 3, -1}) {
                    insertEvent(c, ordering, placeholder);
                }
                StateKey name = new StateKey("m.room.name", "");
                StateKey topic = new StateKey("m.room.topic", "");
                StateKey member = new StateKey("m.room.member", "@a:example.org");
                long base = StateGroups.append(c, "!room:example.org", 0, name, 1);
                base = StateGroups.append(c, "!room:example.org", base, topic, 2);
                // Changes topic, adds a member (a hidden event): a delta of two entries on the base.
                long delta = StateGroups.snapshot(c, "!room:example.org", base, Map.of(name, 1L, topic, 3L, member, -1L));
                assertThat(StateGroups.load(c, delta)).isEqualTo(Map.of(name, "$e1", topic, "$e3", member, "$e-1"));
                assertThat(count(c, "SELECT COUNT(*) FROM state_group_entries WHERE state_group = " + delta)).isEqualTo(2);
                assertThat(count(c, "SELECT prev_group FROM state_groups WHERE id = " + delta)).isEqualTo(base);
                // Drops the name: a delta cannot remove a key, so a full snapshot.
                long full = StateGroups.snapshot(c, "!room:example.org", delta, Map.of(topic, 2L));
                assertThat(StateGroups.load(c, full)).isEqualTo(Map.of(topic, "$e2"));
                assertThat(count(c, "SELECT COUNT(*) FROM state_groups WHERE prev_group IS NULL AND id = " + full))
                        .isEqualTo(1);
                // The same state as the base: an empty delta.
                long same = StateGroups.snapshot(c, "!room:example.org", base, Map.of(name, 1L, topic, 2L));
                assertThat(StateGroups.load(c, same)).isEqualTo(StateGroups.load(c, base));
                assertThat(count(c, "SELECT COUNT(*) FROM state_group_entries WHERE state_group = " + same)).isZero();
                return null;
            });
        }
    }

    /** A room row and one event per ordering; they point at a placeholder group (the foreign keys want one). */
    private static long placeholder(Connection c) throws SQLException {
        long group;
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO state_groups (room_id, prev_group, chain_length) VALUES ('!other:example.org', NULL, 0)
                RETURNING id"""); ResultSet r = s.executeQuery()) {
            r.next();
            group = r.getLong(1);
        }
        try (PreparedStatement room = c.prepareStatement("""
                INSERT INTO rooms (room_id, version, creator, created_ts, state_group)
                VALUES ('!room:example.org', '10', '@a:example.org', 0, ?)""")) {
            room.setLong(1, group);
            room.executeUpdate();
        }
        return group;
    }

    private static void insertEvent(Connection c, long ordering, long group) throws SQLException {
        try (PreparedStatement e = c.prepareStatement("""
                INSERT INTO events (event_id, stream_ordering, room_id, depth, type, sender, origin_server_ts,
                    json, state_group) VALUES (?, ?, '!room:example.org', ?, 'm.room.member', '@a:example.org', 0, '{}', ?)""")) {
            e.setString(1, "$e" + ordering);
            e.setLong(2, ordering);
            e.setLong(3, ordering);
            e.setLong(4, group);
            e.executeUpdate();
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
