package dev.starling.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.storage.Database;
import dev.starling.server.storage.DatabaseConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transaction IDs of a device's own served events are looked up by event — its stream ordering from the
 * events table's index by event ID, then {@code txn_ids}' index by ordering (V20) — not by reading every
 * transaction of the device in the room: that cost grew with the device's history, to ~400 page reads per
 * message after 100 s of load (BENCHMARKS.md, "Transaction IDs by event"). SQLite's plan; PostgreSQL plans by
 * table statistics, which an empty test table does not have.
 */
class TxnIdsQueryPlanTest {
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
