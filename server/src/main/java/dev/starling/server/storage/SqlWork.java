package dev.starling.server.storage;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection inside a transaction; see {@link Database#inTransaction}. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
