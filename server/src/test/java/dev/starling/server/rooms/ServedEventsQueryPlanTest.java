package dev.starling.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.storage.Database;
import dev.starling.server.storage.DatabaseConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lookups every served event costs ({@link ServedEvents}) search small indexes, not tables. The transaction
 * IDs of a device's own events are looked up by event — its stream ordering from the events table's index by
 * event ID, then {@code txn_ids}' index by ordering (V20) — not by reading every transaction of the device in the
 * room: that cost grew with the device's history, to ~400 page reads per message after 100 s of load
 * (BENCHMARKS.md, "Transaction IDs by event"); where the caller holds the orderings, {@code txn_ids}' index
 * alone. Redactions are searched by target first, so an event without one costs no search of the events index.
 * SQLite's plans; PostgreSQL plans by table statistics, which an empty test table does not have.
 */
class ServedEventsQueryPlanTest {
    @TempDir
    Path dir;

    @Test
    void theLookupSearchesTheIndexByEvent() {
        try (Database db = Database.open(DatabaseConfig.sqlite(dir))) {
            for (int events : new int[] {1, 2, 10}) {
                String plan = db.read(c -> plan(c, StreamStore.txnIdsQuery(events)));
                assertThat(plan.lines().toList()).hasSize(2);
                assertThat(plan.lines().findFirst().orElseThrow())
                        .contains("SEARCH e USING INDEX sqlite_autoindex_events_1 (event_id=?)");
                assertThat(plan).contains("SEARCH t USING COVERING INDEX txn_ids_ordering (event_ordering=? AND");
            }
        }
    }

    @Test
    void theLookupByOrderingSearchesOnlyTheTxnIdsIndex() {
        try (Database db = Database.open(DatabaseConfig.sqlite(dir))) {
            for (int events : new int[] {1, 2, 10}) {
                String plan = db.read(c -> plan(c, StreamStore.txnIdsAtQuery(events)));
                assertThat(plan.lines().toList()).containsExactly(
                        "SEARCH txn_ids USING COVERING INDEX txn_ids_ordering (event_ordering=? AND user_id=? AND"
                                + " device_id=? AND room_id=?)");
            }
        }
    }

    @Test
    void redactionsAreSearchedByTargetBeforeTheEvents() {
        try (Database db = Database.open(DatabaseConfig.sqlite(dir))) {
            for (int events : new int[] {1, 3, 10}) {
                List<String> plan = db.read(c -> plan(c, ServedEvents.redactionsQuery(events))).lines().toList();
                assertThat(plan.get(0)).isEqualTo("SEARCH r USING INDEX redactions_redacts (redacts=?)");
                assertThat(plan.get(1)).startsWith("SEARCH e USING INDEX sqlite_autoindex_events_1 (event_id=?");
            }
        }
    }

    private static String plan(Connection c, String query) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement s = c.prepareStatement("EXPLAIN QUERY PLAN " + query);
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                plan.append(r.getString("detail")).append('\n');
            }
        }
        return plan.toString();
    }
}
