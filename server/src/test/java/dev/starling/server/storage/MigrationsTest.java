package dev.starling.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The start-up shortcut: Flyway is skipped only when its history holds exactly the migration files, all
 * applied and unchanged; anything else goes through Flyway.
 */
class MigrationsTest {

    @OnEveryDatabase
    void aMigratedSchemaIsCurrentSoFlywayIsNotLoadedAtTheNextStart(Backend backend) throws Exception {
        try (TestDatabase t = backend.create(); HikariDataSource ds = dataSource(t)) {
            assertThat(Migrations.isCurrent(ds, Dialect.valueOf(backend.name())))
                    .as("every file applied with Flyway's own checksum").isTrue();
        }
    }

    @OnEveryDatabase
    void aPendingFailedOrEditedMigrationIsLeftToFlyway(Backend backend) throws Exception {
        try (TestDatabase t = backend.create(); HikariDataSource ds = dataSource(t)) {
            Dialect dialect = Dialect.valueOf(backend.name());
            execute(ds, "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
            assertThat(Migrations.isCurrent(ds, dialect)).as("an edited migration file").isFalse();
            execute(ds, "UPDATE flyway_schema_history SET checksum = checksum - 1 WHERE version = '1'");
            assertThat(Migrations.isCurrent(ds, dialect)).isTrue();

            execute(ds, "DELETE FROM flyway_schema_history WHERE version = '2'");
            assertThat(Migrations.isCurrent(ds, dialect)).as("a pending migration").isFalse();
        }
    }

    @OnEveryDatabase
    void anEmptyDatabaseIsNotCurrent(Backend backend) throws Exception {
        try (TestDatabase t = backend.create(); HikariDataSource ds = dataSource(t)) {
            execute(ds, "DROP TABLE flyway_schema_history");
            assertThat(Migrations.isCurrent(ds, Dialect.valueOf(backend.name()))).isFalse();
        }
    }

    @org.junit.jupiter.api.Test
    void checksumIsFlywaysCrcOfTheLinesWithoutTerminatorsOrByteOrderMark() throws IOException {
        int unix = Migrations.checksum(stream("CREATE TABLE a (x INT);\nSELECT 1;\n"));
        int windows = Migrations.checksum(stream("\uFEFFCREATE TABLE a (x INT);\r\nSELECT 1;\r\n"));
        assertThat(windows).isEqualTo(unix);
        assertThat(Migrations.checksum(stream("SELECT 2;\n"))).isNotEqualTo(unix);
    }

    @org.junit.jupiter.api.Test
    void listsTheSameVersionsForBothDialects() throws Exception {
        Map<String, Integer> sqlite = Migrations.migrationFiles(Dialect.SQLITE);
        assertThat(sqlite).isNotEmpty();
        assertThat(Migrations.migrationFiles(Dialect.POSTGRESQL).keySet()).isEqualTo(sqlite.keySet());
    }

    /** A pool of its own on the test's database (the writer connection of the Database is taken by its writer). */
    private static HikariDataSource dataSource(TestDatabase t) {
        t.handOver();
        return switch (t.config()) {
            case DatabaseConfig.Sqlite sqlite -> Pools.sqliteWriter(sqlite);
            case DatabaseConfig.Postgres postgres -> Pools.postgres(postgres);
        };
    }

    private static void execute(DataSource ds, String sql) throws Exception {
        try (var c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
