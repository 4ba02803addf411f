package io.herald.api.database;

/**
 * No database is configured and neither local fallback could serve. The message alone says what
 * to do, for wherever it ends up; {@link LocalDatabaseFailureAnalyzer} shows its two parts apart.
 */
public class LocalDatabaseUnavailableException extends IllegalStateException {

    static final String ACTION = "Give Herald a database: set SPRING_DATASOURCE_URL (with SPRING_DATASOURCE_USERNAME"
            + " and SPRING_DATASOURCE_PASSWORD) to a PostgreSQL database, or start PostgreSQL on localhost:5432"
            + " with user postgres and no password (herald.local-database.host, .port, .username and .password"
            + " choose another server).";

    private final String description;

    LocalDatabaseUnavailableException(String description, Throwable cause) {
        super(description + " " + ACTION, cause);
        this.description = description;
    }

    /** What went wrong, without the advice. */
    public String description() {
        return description;
    }
}
