package dev.starling.server.storage;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Prepared statements kept per SQLite connection, by SQL text. sqlite-jdbc prepares every
 * {@code prepareStatement} call anew (parsing and planning the SQL, reading its column names), which cost about 5 %
 * of the server's CPU under load; the same few hundred statements are prepared over and over. A data source
 * wrapped by {@link #wrap} hands out connections whose {@code prepareStatement(sql)} returns the connection's kept
 * statement for that SQL when it is not in use. Its {@code close()} closes the result sets it returned (which
 * resets the SQLite statement, ending its read) and clears the parameters, and the statement is kept for the next
 * caller — but only if the use called nothing besides parameter setters, {@code executeQuery} and
 * {@code executeUpdate} (both leave the statement reset once their result sets are closed); anything else closes it
 * for real. A statement already in use (the same SQL prepared twice at once) gets a fresh, unkept one. At most
 * {@link #MAX_PER_CONNECTION} are kept per connection (idle ones are closed when full). Connections are used by one
 * thread at a time (the pool's contract), but the bookkeeping is synchronized anyway. PostgreSQL's driver caches
 * server-side statements itself, so only SQLite pools are wrapped.
 */
final class StatementCache {
    static final int MAX_PER_CONNECTION = 256;

    /** Calls after which a kept statement is as good as new once its result sets are closed. */
    private static final Set<String> REUSABLE = Set.of("executeQuery", "executeUpdate", "clearParameters",
            "setString", "setLong", "setInt", "setBytes", "setBoolean", "setNull", "setDouble", "setShort",
            "setObject", "getMetaData", "getParameterMetaData", "isClosed", "getConnection", "getUpdateCount",
            "unwrap", "isWrapperFor");

    private StatementCache() {}

    /** A data source whose connections keep their prepared statements. */
    static DataSource wrap(DataSource dataSource) {
        return new Wrapped(dataSource);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** equals, hashCode and toString of a proxy: its own identity (pools track statements by identity). */
    private static Object identity(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "equals" -> args != null && args.length == 1 ? Boolean.valueOf(proxy == args[0]) : null;
            case "hashCode" -> args == null || args.length == 0 ? Integer.valueOf(System.identityHashCode(proxy)) : null;
            case "toString" -> args == null || args.length == 0 ? "StatementCache@" + System.identityHashCode(proxy)
                    : null;
            default -> null;
        };
    }

    /** One connection and its kept statements. */
    private static final class ConnectionHandler implements InvocationHandler {
        private final Connection connection;
        private final Map<String, Kept> kept = new HashMap<>();

        ConnectionHandler(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            Object identity = identity(proxy, method, args);
            if (identity != null) {
                return identity;
            }
            if (name.equals("prepareStatement") && args != null && args.length == 1 && args[0] instanceof String sql) {
                return prepare(sql);
            }
            if ((name.equals("close") && (args == null || args.length == 0)) || name.equals("abort")) {
                closeAll(); // the pool retires the connection (close after its lifetime, abort on failure)
            }
            return StatementCache.invoke(connection, method, args);
        }

        private synchronized PreparedStatement prepare(String sql) throws SQLException {
            Kept statement = kept.get(sql);
            if (statement != null && !statement.inUse) {
                statement.inUse = true;
                statement.reusable = true;
                return statement.proxy;
            }
            PreparedStatement real = connection.prepareStatement(sql);
            if (statement != null) {
                return real; // the kept one is in use (the same SQL twice at once): this one is closed for real
            }
            if (kept.size() >= MAX_PER_CONNECTION) {
                evictIdle();
            }
            Kept fresh = new Kept(this, sql, real);
            kept.put(sql, fresh);
            return fresh.proxy;
        }

        private void evictIdle() {
            for (var it = kept.values().iterator(); it.hasNext();) {
                Kept statement = it.next();
                if (!statement.inUse) {
                    it.remove();
                    statement.closeQuietly();
                }
            }
        }

        private synchronized void closeAll() {
            kept.values().forEach(Kept::closeQuietly);
            kept.clear();
        }

        synchronized void release(Kept statement) throws SQLException {
            if (!statement.inUse) {
                return;
            }
            statement.inUse = false;
            boolean keep = statement.reusable;
            try {
                statement.closeResults();
                if (keep) {
                    statement.real.clearParameters();
                }
            } catch (SQLException | RuntimeException e) {
                keep = false;
            }
            if (!keep) {
                kept.remove(statement.sql, statement);
                statement.real.close();
            }
        }
    }

    /** A kept statement; its proxy is what callers get. */
    private static final class Kept implements InvocationHandler {
        final ConnectionHandler owner;
        final String sql;
        final PreparedStatement real;
        final PreparedStatement proxy;
        final List<ResultSet> results = new ArrayList<>();
        boolean inUse = true;
        boolean reusable = true;

        Kept(ConnectionHandler owner, String sql, PreparedStatement real) {
            this.owner = owner;
            this.sql = sql;
            this.real = real;
            this.proxy = (PreparedStatement) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, this);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            Object identity = identity(proxy, method, args);
            if (identity != null) {
                return identity;
            }
            if (name.equals("close") && (args == null || args.length == 0)) {
                owner.release(this);
                return null;
            }
            if (name.equals("isClosed") && (args == null || args.length == 0)) {
                return !inUse || real.isClosed();
            }
            if (!inUse) {
                throw new SQLException("statement is closed");
            }
            if (!REUSABLE.contains(name)) {
                reusable = false;
            }
            Object result = StatementCache.invoke(real, method, args);
            if (result instanceof ResultSet resultSet) {
                results.add(resultSet);
            }
            return result;
        }

        void closeResults() throws SQLException {
            try {
                for (ResultSet resultSet : results) {
                    resultSet.close();
                }
            } finally {
                results.clear();
            }
        }

        void closeQuietly() {
            try {
                real.close();
            } catch (SQLException ignored) {
                // the connection is going away
            }
        }
    }

    private record Wrapped(DataSource dataSource) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return wrapConnection(dataSource.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return wrapConnection(dataSource.getConnection(username, password));
        }

        private static Connection wrapConnection(Connection connection) {
            return (Connection) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, new ConnectionHandler(connection));
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return dataSource.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            dataSource.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            dataSource.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return dataSource.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return dataSource.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            return dataSource.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return dataSource.isWrapperFor(type);
        }
    }
}
