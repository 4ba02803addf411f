package io.herald.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.flywaydb.core.Flyway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * A benchmark's own database on the local PostgreSQL (127.0.0.1:5432, user postgres), created
 * fresh with Herald's migrations and dropped at the end. Names must start with {@code bench_}, so
 * that a benchmark can never drop a test suite's or an application's database.
 */
final class BenchDatabase implements AutoCloseable {

    static final String SERVER = System.getProperty("herald.bench.postgres.url", "jdbc:postgresql://127.0.0.1:5432/");

    private final String name;
    final HikariDataSource dataSource;

    private BenchDatabase(String name, HikariDataSource dataSource) {
        this.name = name;
        this.dataSource = dataSource;
    }

    static BenchDatabase create(String name, int poolSize) {
        if (!name.matches("bench_[a-z0-9_]+")) {
            throw new IllegalArgumentException("benchmark databases are named bench_[a-z0-9_]+ but was " + name);
        }
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "CREATE DATABASE " + name);
        var config = new HikariConfig();
        config.setJdbcUrl(SERVER + name);
        config.setUsername("postgres");
        config.setMaximumPoolSize(poolSize);
        config.setPoolName(name);
        var dataSource = new HikariDataSource(config);
        Flyway.configure().dataSource(dataSource).load().migrate();
        return new BenchDatabase(name, dataSource);
    }

    @Override
    public void close() {
        dataSource.close();
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void admin(String... statements) {
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement statement = admin.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("benchmarks need PostgreSQL at " + SERVER + " (user postgres): " + e.getMessage(), e);
        }
    }
}
