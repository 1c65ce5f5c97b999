package dev.starling.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@link Database}s on one SQLite file, as a running server and {@code starling admin} in another process:
 * an idle writer holds no lock, so both can write in turn, and each reads what the other committed.
 */
class SqliteSharedFileTest {
    @TempDir
    Path dir;

    @Test
    void anIdleServerLeavesTheFileWritableByAnotherWriter() {
        DatabaseConfig config = DatabaseConfig.sqlite(dir);
        try (Database server = Database.open(config)) {
            DatabaseTest.insertUser(server, "@first:example.org");
            try (Database admin = Database.open(config)) {
                DatabaseTest.insertUser(admin, "@second:example.org");
                assertThat(DatabaseTest.countUsers(admin)).isEqualTo(2);
            }
            DatabaseTest.insertUser(server, "@third:example.org");
            assertThat(DatabaseTest.countUsers(server)).isEqualTo(3);
        }
    }
}
