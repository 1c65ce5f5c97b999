package dev.starling.server.rooms;

import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.message;
import static dev.starling.server.rooms.RoomClient.path;
import static dev.starling.server.rooms.RoomClient.register;
import static dev.starling.server.rooms.RoomClient.room;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Migration V6 backfills the redaction and relation indexes from events stored before it: run on events
 * stored by this version, its backfill statements rebuild exactly what {@code EventIndexes} wrote.
 */
class RoomIndexBackfillTest {
    @OnEveryDatabase
    void theMigrationsBackfillRebuildsTheIndexesTheServerWrites(Backend backend) throws IOException {
        for (String version : List.of("10", "12")) {
            try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
                String alice = register(server, "alice");
                String roomId = createRoom(server, alice, "{\"room_version\":\"" + version + "\"}");
                String root = message(server, alice, roomId, "m1", "root").json().path("event_id").asText();
                String threadReply = "{\"body\":\"r\",\"m.relates_to\":{\"rel_type\":\"m.thread\",\"event_id\":\""
                        + root + "\"}}";
                String first = server.put(room(roomId) + "/send/m.room.message/t1", threadReply, alice).json()
                        .path("event_id").asText();
                server.put(room(roomId) + "/send/m.room.message/t2", threadReply, alice);
                server.put(room(roomId) + "/send/m.room.message/t3", "{\"m.relates_to\":{\"rel_type\":5}}", alice);
                assertThat(server.put(room(roomId) + "/redact/" + path(first) + "/r1", "{}", alice).status())
                        .isEqualTo(200);

                List<String> redactions = rows(server, "SELECT event_id, redacts, room_id, stream_ordering FROM"
                        + " redactions ORDER BY event_id");
                List<String> relations = rows(server, "SELECT event_id, relates_to, rel_type, room_id, type, sender,"
                        + " stream_ordering FROM event_relations ORDER BY event_id");
                assertThat(redactions).hasSize(1);
                assertThat(relations).hasSize(1);

                String migration = migration(backend);
                String backfill = migration.substring(migration.indexOf("-- Backfill"));
                server.database().inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("DELETE FROM event_relations");
                        s.executeUpdate("DELETE FROM redactions");
                        for (String statement : backfill.split(";")) {
                            if (statement.contains("INSERT")) {
                                s.executeUpdate(statement.substring(statement.indexOf("INSERT")));
                            }
                        }
                    }
                    return null;
                });
                assertThat(rows(server, "SELECT event_id, redacts, room_id, stream_ordering FROM redactions"
                        + " ORDER BY event_id")).isEqualTo(redactions);
                assertThat(rows(server, "SELECT event_id, relates_to, rel_type, room_id, type, sender,"
                        + " stream_ordering FROM event_relations ORDER BY event_id")).isEqualTo(relations);
            }
        }
    }

    private static String migration(Backend backend) throws IOException {
        String path = "/db/migration/" + backend.name().toLowerCase(Locale.ROOT) + "/V6__redactions_relations.sql";
        try (InputStream in = RoomIndexBackfillTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Each row of {@code sql} as its columns, each followed by "|". */
    static List<String> rows(TestHomeServer server, String sql) {
        return server.database().read(c -> {
            List<String> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
                int columns = r.getMetaData().getColumnCount();
                while (r.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= columns; i++) {
                        row.append(r.getString(i)).append('|');
                    }
                    out.add(row.toString());
                }
            }
            return out;
        });
    }
}
