package dev.starling.server.rooms;

import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.message;
import static dev.starling.server.rooms.RoomClient.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Migrations V19 and V20 key {@code event_edges} and the event side of {@code txn_ids} by the event's stream
 * ordering. Each is run here on its table as the migration before it left it (keyed by event ID), filled with
 * what the server stored, and must carry every row over: found again by event ID through the ordering.
 */
class OrderingKeysMigrationTest {
    @OnEveryDatabase
    void everyEdgeStoredByEventIdIsKeptUnderTheEventsOrdering(Backend backend) throws IOException {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = roomWithFiveMessages(server, alice);
            String query = "SELECT e.event_id, x.prev_event_id FROM event_edges x"
                    + " JOIN events e ON e.stream_ordering = x.event_ordering";
            Set<String> edges = rows(server, query);
            assertThat(edges).as("the creation's events and five messages").hasSizeGreaterThan(8);

            List<String> before = List.of("DROP TABLE event_edges",
                    statement(backend, "V2__rooms.sql", "CREATE TABLE event_edges"),
                    statement(backend, "V2__rooms.sql", "CREATE INDEX event_edges_prev"));
            migrateFrom(server, before, edges, "event_edges (event_id,"
                    + " prev_event_id)", migration(backend, "V19__event_edges_by_ordering.sql"));

            assertThat(rows(server, query)).isEqualTo(edges);
            String[] one = edges.iterator().next().split("\\|");
            assertThatThrownBy(() -> server.database().inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO event_edges (event_ordering, prev_event_id) SELECT stream_ordering, '"
                            + one[1] + "' FROM events WHERE event_id = '" + one[0] + "'");
                }
                return null;
            })).as("the primary key is (event_ordering, prev_event_id)").isInstanceOf(RuntimeException.class);

            String next = message(server, alice, roomId, "m5", "after").json().path("event_id").asText();
            assertThat(rows(server, query).stream().filter(e -> e.startsWith(next + "|")).count()).isEqualTo(1);
        }
    }

    @OnEveryDatabase
    void everyTransactionIdIsKeptAndFoundByItsEventsOrdering(Backend backend) throws IOException {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String roomId = roomWithFiveMessages(server, alice);
            String query = "SELECT t.user_id, t.device_id, t.room_id, t.txn_id, t.event_id, t.created_ts"
                    + " FROM txn_ids t JOIN events e ON e.stream_ordering = t.event_ordering AND e.event_id = t.event_id";
            Set<String> txns = rows(server, query);
            assertThat(txns).hasSize(5);

            List<String> before = List.of("DROP TABLE txn_ids",
                    statement(backend, "V2__rooms.sql", "CREATE TABLE txn_ids"),
                    statement(backend, "V18__txn_ids_by_event.sql", "CREATE INDEX txn_ids_event"));
            migrateFrom(server, before, txns,
                    "txn_ids (user_id, device_id, room_id, txn_id, event_id, created_ts)",
                    migration(backend, "V20__txn_ids_by_ordering.sql"));

            assertThat(rows(server, query)).isEqualTo(txns);
            // A repeat of a migrated transaction ID after a restart (nothing of it in memory) gets its event.
            String t2 = txns.stream().filter(t -> t.contains("|t2|")).findFirst().orElseThrow().split("\\|")[4];
            server.restart();
            assertThat(message(server, alice, roomId, "t2", "again").json().path("event_id").asText()).isEqualTo(t2);
            assertThat(rows(server, query)).hasSize(5);
        }
    }

    /** Rebuilds the table as before the migration, fills it with {@code rows}, and runs the migration. */
    private static void migrateFrom(TestHomeServer server, List<String> oldSchema, Set<String> rows, String into,
            String migration) {
        server.database().inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                for (String statement : oldSchema) {
                    s.executeUpdate(statement);
                }
                for (String row : rows) {
                    String values = Arrays.stream(row.split("\\|"))
                            .map(v -> v.matches("-?[0-9]+") ? v : "'" + v.replace("'", "''") + "'")
                            .collect(Collectors.joining(", "));
                    s.executeUpdate("INSERT INTO " + into + " VALUES (" + values + ")");
                }
                for (String statement : statements(migration)) {
                    s.executeUpdate(statement);
                }
            }
            return null;
        });
    }

    /** Each row as its columns, each followed by "|". */
    private static Set<String> rows(TestHomeServer server, String query) {
        return new TreeSet<>(RoomIndexBackfillTest.rows(server, query));
    }

    private static String roomWithFiveMessages(TestHomeServer server, String user) {
        String roomId = createRoom(server, user, "{}");
        for (int i = 0; i < 5; i++) {
            message(server, user, roomId, "t" + i, "hello " + i);
        }
        return roomId;
    }

    /** The statement of a migration file that begins with {@code start}, up to its semicolon. */
    private static String statement(Backend backend, String file, String start) throws IOException {
        String migration = migration(backend, file);
        int from = migration.indexOf(start);
        return migration.substring(from, migration.indexOf(';', from));
    }

    /** The migration's statements, its comment lines left out. */
    private static List<String> statements(String migration) {
        String sql = migration.lines().filter(l -> !l.startsWith("--")).collect(Collectors.joining("\n"));
        return Arrays.stream(sql.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String migration(Backend backend, String file) throws IOException {
        String path = "/db/migration/" + backend.name().toLowerCase(Locale.ROOT) + "/" + file;
        try (InputStream in = OrderingKeysMigrationTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
