package io.herald.api.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.core.env.StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
import static org.springframework.core.env.StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.FileSystemUtils;

import io.herald.store.TestDatabases;

/** The fallback against the real PostgreSQL of the build, and against a real embedded one. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LocalDatabaseIT {

    private static final String DATABASE = TestDatabases.PREFIX + "herald_local_db_it";
    private static final URI SERVER = URI.create(TestDatabases.SERVER.substring("jdbc:".length()));

    private final LocalDatabaseEnvironmentPostProcessor postProcessor =
            new LocalDatabaseEnvironmentPostProcessor(Supplier::get);
    private final SpringApplication application = new SpringApplication();
    private Path embeddedDirectory;

    @BeforeEach
    void createEmbeddedDirectory() throws IOException {
        // Under target/, so the binaries and data of these runs go with mvn clean
        embeddedDirectory = Files.createTempDirectory(Files.createDirectories(Path.of("target", "local-database-it")), "pg-");
    }

    @AfterEach
    void stopAndRemoveEmbedded() throws IOException {
        embeddedShutdowns().forEach(EmbeddedPostgresShutdown::stop);
        FileSystemUtils.deleteRecursively(embeddedDirectory);
    }

    @Test
    void the_local_postgres_is_used_when_it_answers_and_herald_s_database_is_created_there() throws SQLException {
        dropTestDatabase();
        StandardEnvironment environment = environment(Map.of(
                "herald.local-database.host", SERVER.getHost(),
                "herald.local-database.port", SERVER.getPort(),
                "herald.local-database.username", TestDatabases.USER,
                "herald.local-database.database", DATABASE,
                "herald.local-database.embedded-directory", embeddedDirectory.toString()));

        postProcessor.postProcessEnvironment(environment, application);

        assertThat(environment.getProperty("spring.datasource.url"))
                .isEqualTo("jdbc:postgresql://" + SERVER.getHost() + ":" + SERVER.getPort() + "/" + DATABASE);
        assertThat(environment.getProperty("spring.datasource.username")).isEqualTo(TestDatabases.USER);
        assertThat(environment.getProperty("spring.datasource.password")).isEmpty();
        assertThat(selectOne(environment)).isEqualTo(1);
        assertThat(embeddedShutdowns()).as("no embedded PostgreSQL started").isEmpty();
    }

    @Test
    void an_existing_database_on_the_local_postgres_is_used_as_it_is() throws SQLException {
        dropTestDatabase();
        execute(TestDatabases.SERVER + "postgres", "CREATE DATABASE " + DATABASE);
        execute(TestDatabases.SERVER + DATABASE, "CREATE TABLE kept (id int)");
        StandardEnvironment environment = environment(Map.of(
                "herald.local-database.host", SERVER.getHost(),
                "herald.local-database.port", SERVER.getPort(),
                "herald.local-database.database", DATABASE));

        postProcessor.postProcessEnvironment(environment, application);

        assertThat(countRows(environment, "kept")).isZero();
    }

    @Test
    void an_embedded_postgres_is_started_when_nothing_answers_and_stops_when_the_context_closes() throws Exception {
        StandardEnvironment environment = embeddedEnvironment();

        postProcessor.postProcessEnvironment(environment, application);

        assertThat(environment.getProperty("spring.datasource.url")).matches("jdbc:postgresql://localhost:\\d+/" + DATABASE);
        assertThat(environment.getProperty("spring.datasource.username")).isEqualTo("postgres");
        assertThat(selectOne(environment)).isEqualTo(1);
        assertThat(embeddedDirectory.resolve("data/PG_VERSION")).exists();

        closeContextAsBootWould();

        assertThatThrownBy(() -> selectOne(environment)).isInstanceOf(SQLException.class);
    }

    @Test
    void the_embedded_postgres_keeps_its_data_across_restarts() throws Exception {
        StandardEnvironment first = embeddedEnvironment();
        postProcessor.postProcessEnvironment(first, application);
        execute(first, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)");
        embeddedShutdowns().forEach(EmbeddedPostgresShutdown::stop);

        StandardEnvironment second = embeddedEnvironment();
        postProcessor.postProcessEnvironment(second, application);

        assertThat(countRows(second, "kept")).isOne();
    }

    @Test
    void a_configured_datasource_url_is_left_alone() {
        StandardEnvironment environment = environment(Map.of(
                "spring.datasource.url", "jdbc:postgresql://db.example:5432/herald",
                "herald.local-database.port", closedPort(),
                "herald.local-database.embedded-directory", embeddedDirectory.resolve("unused").toString()));
        List<String> sourcesBefore = propertySourceNames(environment);

        postProcessor.postProcessEnvironment(environment, application);

        assertThat(propertySourceNames(environment)).isEqualTo(sourcesBefore);
        assertThat(environment.getProperty("spring.datasource.url")).isEqualTo("jdbc:postgresql://db.example:5432/herald");
        assertThat(embeddedDirectory.resolve("unused")).doesNotExist();
    }

    @Test
    void nothing_is_done_when_the_fallback_is_switched_off() {
        StandardEnvironment environment = environment(Map.of(
                "herald.local-database.enabled", false,
                "herald.local-database.port", closedPort(),
                "herald.local-database.embedded-directory", embeddedDirectory.resolve("unused").toString()));
        List<String> sourcesBefore = propertySourceNames(environment);

        postProcessor.postProcessEnvironment(environment, application);

        assertThat(propertySourceNames(environment)).isEqualTo(sourcesBefore);
        assertThat(embeddedDirectory.resolve("unused")).doesNotExist();
    }

    private StandardEnvironment embeddedEnvironment() {
        return environment(Map.of(
                "herald.local-database.host", "127.0.0.1",
                "herald.local-database.port", closedPort(),
                "herald.local-database.database", DATABASE,
                "herald.local-database.embedded-directory", embeddedDirectory.toString()));
    }

    /** Only what the test says: a SPRING_DATASOURCE_URL in the shell running the build must not decide it. */
    private static StandardEnvironment environment(Map<String, Object> properties) {
        var environment = new StandardEnvironment();
        environment.getPropertySources().remove(SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new MapPropertySource("test", new HashMap<>(properties)));
        return environment;
    }

    /** What SpringApplication does with its listeners around a context that starts and is then closed. */
    private void closeContextAsBootWould() {
        try (var context = new GenericApplicationContext()) {
            embeddedShutdowns().forEach(shutdown ->
                    shutdown.onApplicationEvent(new ApplicationPreparedEvent(application, new String[0], context)));
            context.refresh();
        }
    }

    private List<EmbeddedPostgresShutdown> embeddedShutdowns() {
        return application.getListeners().stream()
                .filter(EmbeddedPostgresShutdown.class::isInstance)
                .map(EmbeddedPostgresShutdown.class::cast)
                .toList();
    }

    private static List<String> propertySourceNames(StandardEnvironment environment) {
        return environment.getPropertySources().stream().map(PropertySource::getName).toList();
    }

    /** A port on loopback that nothing listens on. */
    private static int closedPort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int selectOne(StandardEnvironment environment) throws SQLException {
        try (Connection connection = connect(environment);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select 1")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static int countRows(StandardEnvironment environment, String table) throws SQLException {
        try (Connection connection = connect(environment);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select count(*) from " + table)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static void execute(StandardEnvironment environment, String sql) throws SQLException {
        try (Connection connection = connect(environment); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Connection connect(StandardEnvironment environment) throws SQLException {
        return DriverManager.getConnection(environment.getProperty("spring.datasource.url"),
                environment.getProperty("spring.datasource.username"), environment.getProperty("spring.datasource.password"));
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, TestDatabases.USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void dropTestDatabase() throws SQLException {
        execute(TestDatabases.SERVER + "postgres", "DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    }
}
