package io.herald.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Fresh databases on the real PostgreSQL for integration tests: each test class gets its own, so
 * classes never see each other's events or partitions.
 */
public final class TestDatabases {

    /** The server, as {@code jdbc:postgresql://host:port/}; set by the build, overridable with -Dherald.test.postgres.url. */
    public static final String SERVER = System.getProperty("herald.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/");
    public static final String USER = System.getProperty("herald.test.postgres.user", "postgres");
    /**
     * Put before every test database name, so that two checkouts can run their suites side by side
     * on one server without dropping each other's databases (environment HERALD_TEST_DB_PREFIX).
     */
    public static final String PREFIX = System.getenv().getOrDefault("HERALD_TEST_DB_PREFIX", "");

    private TestDatabases() {
    }

    /** Drops and creates the database {@code name}; returns its JDBC URL. */
    public static String recreate(String baseName) {
        String name = PREFIX + baseName;
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("test database names are lower-case letters, digits and _ but was " + name);
        }
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", USER, "");
             Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("integration tests need PostgreSQL at " + SERVER + " (user " + USER + "): " + e.getMessage(), e);
        }
        return SERVER + name;
    }

    /** A fresh database with Herald's migrations applied, behind a small pool. */
    public static HikariDataSource migrated(String name, int poolSize) {
        String url = recreate(name);
        var config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(USER);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName(name);
        var dataSource = new HikariDataSource(config);
        migrate(dataSource);
        return dataSource;
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).load().migrate();
    }
}
