package dev.starling.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {

    @Test
    void sqliteDefaultsToAFileInTheDataDirectory() {
        DatabaseConfig.Sqlite config = DatabaseConfig.sqlite(Path.of("/var/lib/starling"));
        assertThat(config.file()).isEqualTo(Path.of("/var/lib/starling/starling.db"));
        assertThat(config.readers()).isEqualTo(4);
        assertThat(config.busyTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void postgresToStringShowsNeitherThePasswordNorTheUrlQuery() {
        DatabaseConfig.Postgres config = DatabaseConfig.postgres(
                "jdbc:postgresql://db:5432/starling?password=hunter2", "starling", "s3cret");
        assertThat(config.poolSize()).isEqualTo(10);
        assertThat(config.toString()).contains("jdbc:postgresql://db:5432/starling", "starling")
                .doesNotContain("hunter2", "s3cret");
    }

    @Test
    void rejectsValuesThatCannotWork() {
        assertThatThrownBy(() -> DatabaseConfig.postgres("jdbc:mysql://db/x", "", ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DatabaseConfig.Postgres("jdbc:postgresql://db/x", "", "", 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DatabaseConfig.Sqlite(Path.of("x.db"), 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnreachablePostgresIsAStorageException() {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        assertThatThrownBy(() -> Database.open(DatabaseConfig.postgres("jdbc:postgresql://127.0.0.1:1/x", "u", "p")))
                .isInstanceOf(StorageException.class);
    }
}
