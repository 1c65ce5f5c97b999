package dev.starling.server.storage;

import java.sql.SQLException;

/**
 * The few differences between the supported databases that code outside the migrations must know.
 * Table definitions differ too (PostgreSQL {@code BIGSERIAL}, {@code BYTEA}, {@code BOOLEAN}; SQLite
 * {@code INTEGER PRIMARY KEY AUTOINCREMENT}, {@code BLOB}, {@code INTEGER} 0/1), but those live in the
 * per-dialect migration folders, not in code. Both dialects accept the same upsert syntax
 * ({@code INSERT ... ON CONFLICT (...) DO UPDATE SET c = excluded.c}; SQLite since 3.24), so stores write
 * it once.
 */
public enum Dialect {
    SQLITE("sqlite"),
    POSTGRESQL("postgresql");

    /** SQLite's primary result code for constraint violations (extended codes keep it in the low byte). */
    private static final int SQLITE_CONSTRAINT = 19;
    private static final int SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
    private static final int SQLITE_CONSTRAINT_UNIQUE = 2067;
    private static final String PG_UNIQUE_VIOLATION = "23505";

    private final String migrationFolder;

    Dialect(String migrationFolder) {
        this.migrationFolder = migrationFolder;
    }

    /** The Flyway location of this dialect's migrations. */
    String migrationLocation() {
        return "classpath:db/migration/" + migrationFolder;
    }

    /** True when {@code e} is a violated primary-key or unique constraint (a duplicate row). */
    public boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && isUniqueViolationCode(s)) {
                return true;
            }
        }
        return false;
    }

    private boolean isUniqueViolationCode(SQLException s) {
        return switch (this) {
            // sqlite-jdbc reports the extended result code when it has one; a plain 19 only says
            // "constraint", so the message tells unique/primary key apart from NOT NULL or foreign key.
            case SQLITE -> s.getErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY
                    || s.getErrorCode() == SQLITE_CONSTRAINT_UNIQUE
                    || (s.getErrorCode() == SQLITE_CONSTRAINT && s.getMessage() != null
                            && s.getMessage().contains("UNIQUE constraint failed"));
            case POSTGRESQL -> PG_UNIQUE_VIOLATION.equals(s.getSQLState());
        };
    }
}
