package dev.starling.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** SQLite statements kept per connection ({@link StatementCache}): reused only when as good as new. */
class StatementCacheTest {
    @TempDir
    Path dir;

    private Connection open() throws SQLException {
        SQLiteDataSource sqlite = new SQLiteDataSource();
        sqlite.setUrl("jdbc:sqlite:" + dir.resolve("t.db"));
        DataSource cached = StatementCache.wrap(sqlite);
        Connection c = cached.getConnection();
        try (PreparedStatement s = c.prepareStatement("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")) {
            s.executeUpdate();
        }
        for (int k = 1; k <= 3; k++) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
                s.setInt(1, k);
                s.setString(2, "v" + k);
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
        }
        return c;
    }

    private static String value(PreparedStatement s, int k) throws SQLException {
        s.setInt(1, k);
        try (ResultSet r = s.executeQuery()) {
            return r.next() ? r.getString(1) : null;
        }
    }

    @Test
    void aClosedStatementIsReusedWithFreshParametersAndResults() throws SQLException {
        try (Connection c = open()) {
            PreparedStatement first = c.prepareStatement("SELECT v FROM t WHERE k = ?");
            assertThat(value(first, 1)).isEqualTo("v1");
            ResultSet leftOpen = first.executeQuery();
            first.close();
            assertThat(first.isClosed()).isTrue();
            assertThat(leftOpen.isClosed()).as("closing the statement closes what it returned").isTrue();

            PreparedStatement second = c.prepareStatement("SELECT v FROM t WHERE k = ?");
            assertThat(second).isSameAs(first);
            assertThat(second.isClosed()).isFalse();
            assertThat(value(second, 2)).isEqualTo("v2");
            assertThat(value(second, 9)).isNull();
            second.close();
        }
    }

    @Test
    void theSameSqlTwiceAtOnceGetsTwoStatements() throws SQLException {
        try (Connection c = open()) {
            PreparedStatement outer = c.prepareStatement("SELECT v FROM t WHERE k >= ? ORDER BY k");
            outer.setInt(1, 1);
            try (ResultSet r = outer.executeQuery()) {
                assertThat(r.next()).isTrue();
                try (PreparedStatement inner = c.prepareStatement("SELECT v FROM t WHERE k >= ? ORDER BY k")) {
                    assertThat(inner).isNotSameAs(outer);
                    assertThat(value(inner, 3)).isEqualTo("v3");
                }
                assertThat(r.getString(1)).isEqualTo("v1");
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("v2");
            }
            outer.close();
        }
    }

    @Test
    void aStatementUsedOtherwiseIsClosedForReal() throws SQLException {
        try (Connection c = open()) {
            PreparedStatement first = c.prepareStatement("SELECT v FROM t WHERE k = ?");
            first.setInt(1, 1);
            assertThat(first.execute()).isTrue();
            first.close();
            PreparedStatement second = c.prepareStatement("SELECT v FROM t WHERE k = ?");
            assertThat(second).isNotSameAs(first);
            assertThat(value(second, 1)).isEqualTo("v1");
            second.close();
        }
    }

    @Test
    void aWriteAfterKeptReadsIsSeenByTheNextRead() throws SQLException {
        try (Connection c = open()) {
            PreparedStatement read = c.prepareStatement("SELECT v FROM t WHERE k = ?");
            assertThat(value(read, 1)).isEqualTo("v1");
            read.close();
            try (PreparedStatement s = c.prepareStatement("UPDATE t SET v = ? WHERE k = ?")) {
                s.setString(1, "changed");
                s.setInt(2, 1);
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement again = c.prepareStatement("SELECT v FROM t WHERE k = ?")) {
                assertThat(value(again, 1)).isEqualTo("changed");
            }
        }
    }
}
