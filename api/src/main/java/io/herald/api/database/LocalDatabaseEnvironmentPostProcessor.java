package io.herald.api.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Gives Herald a database when none is configured, so that it starts on a fresh machine: the
 * PostgreSQL on localhost:5432 if it answers, otherwise an embedded one (see {@link LocalDatabaseProperties}).
 * An environment post-processor because the choice must be made before the DataSource is configured,
 * and it runs after application.yml and profiles are loaded, so a configured URL is always seen.
 */
class LocalDatabaseEnvironmentPostProcessor implements EnvironmentPostProcessor {

    private static final String PROPERTY_SOURCE = "heraldLocalDatabase";
    private static final String URL = "spring.datasource.url";

    /** The embedded server has just reported itself ready, so this only guards against a hang. */
    private static final Duration EMBEDDED_TIMEOUT = Duration.ofSeconds(10);

    private final Log log;

    LocalDatabaseEnvironmentPostProcessor(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(LocalDatabaseEnvironmentPostProcessor.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Binder binder = Binder.get(environment);
        if (binder.bind(URL, String.class).map(StringUtils::hasText).orElse(false)) {
            return;
        }
        LocalDatabaseProperties properties = binder.bindOrCreate("herald.local-database", LocalDatabaseProperties.class);
        if (!properties.enabled()) {
            log.debug("spring.datasource.url is not set and herald.local-database.enabled is false: no fallback");
            return;
        }
        PostgresServer local = properties.server();
        try {
            local.ensureDatabase(properties.database(), properties.connectTimeout());
            use(environment, local, properties.database());
            log.info("spring.datasource.url is not set: using the PostgreSQL on %s:%d at %s (user %s)"
                    .formatted(local.host(), local.port(), local.jdbcUrl(properties.database()), local.username()));
        } catch (SQLException unusable) {
            useEmbedded(environment, application, properties, unusable);
        }
    }

    private void useEmbedded(ConfigurableEnvironment environment, SpringApplication application,
            LocalDatabaseProperties properties, SQLException localProblem) {
        Path directory = properties.embeddedDirectory();
        String why = "spring.datasource.url is not set and the PostgreSQL on %s:%d cannot be used (%s)"
                .formatted(properties.host(), properties.port(), localProblem.getMessage());
        EmbeddedPostgres embedded;
        try {
            embedded = EmbeddedPostgresLauncher.start(directory);
        } catch (Exception e) {
            Path serverLog = directory.resolve(EmbeddedPostgresLauncher.LOG);
            throw new LocalDatabaseUnavailableException(why + ", and the embedded PostgreSQL in " + directory
                    + " did not start (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + (Files.exists(serverLog) ? "; its log is " + serverLog : "") + ").", e);
        }
        var shutdown = new EmbeddedPostgresShutdown(embedded);
        application.addListeners(shutdown);
        var server = new PostgresServer("localhost", embedded.getPort(), "postgres", "");
        try {
            server.ensureDatabase(properties.database(), EMBEDDED_TIMEOUT);
        } catch (SQLException e) {
            shutdown.stop();
            throw new LocalDatabaseUnavailableException(why + ", and the embedded PostgreSQL in " + directory
                    + " started but refused to create database " + properties.database() + " (" + e.getMessage() + ").", e);
        }
        use(environment, server, properties.database());
        log.info("%s: using an embedded PostgreSQL at %s (user %s), its data in %s; it stops with Herald"
                .formatted(why, server.jdbcUrl(properties.database()), server.username(),
                        directory.resolve(EmbeddedPostgresLauncher.DATA)));
    }

    private static void use(ConfigurableEnvironment environment, PostgresServer server, String database) {
        Map<String, Object> dataSource = Map.of(
                URL, server.jdbcUrl(database),
                "spring.datasource.username", server.username(),
                "spring.datasource.password", server.password());
        // First, so that a stray SPRING_DATASOURCE_USERNAME or _PASSWORD cannot pair with this URL
        environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, dataSource));
    }
}
