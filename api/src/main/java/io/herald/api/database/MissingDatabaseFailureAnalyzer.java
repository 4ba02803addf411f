package io.herald.api.database;

import java.sql.SQLException;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * An explicit {@code spring.datasource.url} that names a database the server does not have
 * (PostgreSQL's SQLSTATE {@code 3D000}) ends the start with Boot's short "APPLICATION FAILED TO
 * START" report saying so and what to do, instead of a long stack trace through Flyway and the pool.
 */
class MissingDatabaseFailureAnalyzer implements FailureAnalyzer {

    static final String INVALID_CATALOG_NAME = "3D000";

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && INVALID_CATALOG_NAME.equals(sql.getSQLState())) {
                return new FailureAnalysis("The PostgreSQL server refused the database named by spring.datasource.url "
                        + "(SPRING_DATASOURCE_URL): " + firstLine(sql.getMessage()) + ".",
                        "Create that database on the server (CREATE DATABASE …, owned by the role Herald connects as; "
                                + "Herald creates its tables itself), or correct the database name in spring.datasource.url.",
                        sql);
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "the database does not exist";
        }
        String line = message.lines().findFirst().orElse(message).strip();
        return line.startsWith("FATAL: ") ? line.substring("FATAL: ".length()) : line;
    }
}
