package io.herald.api.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;

/** A PostgreSQL server Herald may use, and the one thing Herald needs of it before start-up: its database. */
record PostgresServer(String host, int port, String username, String password) {

    /** SQLSTATE duplicate_database: another Herald starting at the same moment created it first. */
    private static final String DUPLICATE_DATABASE = "42P04";

    String jdbcUrl(String database) {
        String address = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + address + ":" + port + "/" + database;
    }

    /**
     * Creates {@code database} unless it exists, through the {@code postgres} maintenance database.
     * Failing to connect within {@code timeout} is how a missing server shows itself.
     */
    void ensureDatabase(String database, Duration timeout) throws SQLException {
        try (Connection connection = connect("postgres", timeout)) {
            if (!exists(connection, database)) {
                create(connection, database);
            }
        }
    }

    /** Without the password, so the record can be logged or put in a message. */
    @Override
    public String toString() {
        return username + "@" + host + ":" + port;
    }

    private Connection connect(String database, Duration timeout) throws SQLException {
        var dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {host});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName(database);
        dataSource.setUser(username);
        dataSource.setPassword(password);
        // PgJDBC counts these in whole seconds; zero would mean "wait forever"
        int seconds = (int) Math.max(1, timeout.toSeconds());
        dataSource.setConnectTimeout(seconds);
        dataSource.setLoginTimeout(seconds);
        return dataSource.getConnection();
    }

    private static boolean exists(Connection connection, String database) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            query.setString(1, database);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static void create(Connection connection, String database) throws SQLException {
        // CREATE DATABASE takes no bind parameters, so the name is quoted as an identifier instead
        String name = connection.unwrap(PGConnection.class).escapeIdentifier(database);
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
                throw e;
            }
        }
    }
}
