package io.herald.api.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LocalDatabasePropertiesTest {

    @Test
    void nothing_configured_means_postgres_on_localhost_5432_then_an_embedded_one_in_the_home_directory() {
        LocalDatabaseProperties properties = bind(Map.of());

        assertThat(properties.enabled()).isTrue();
        assertThat(properties.server()).isEqualTo(new PostgresServer("localhost", 5432, "postgres", ""));
        assertThat(properties.database()).isEqualTo("herald");
        assertThat(properties.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(properties.embeddedDirectory())
                .isEqualTo(Path.of(System.getProperty("user.home"), ".herald", "embedded-postgres"));
    }

    @Test
    void every_property_can_be_set() {
        LocalDatabaseProperties properties = bind(Map.of(
                "herald.local-database.enabled", "false",
                "herald.local-database.host", "db.internal",
                "herald.local-database.port", "6543",
                "herald.local-database.username", "herald",
                "herald.local-database.password", "secret",
                "herald.local-database.database", "events",
                "herald.local-database.connect-timeout", "500ms",
                "herald.local-database.embedded-directory", "/var/lib/herald/pg"));

        assertThat(properties.enabled()).isFalse();
        assertThat(properties.server()).isEqualTo(new PostgresServer("db.internal", 6543, "herald", "secret"));
        assertThat(properties.database()).isEqualTo("events");
        assertThat(properties.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(properties.embeddedDirectory()).isEqualTo(Path.of("/var/lib/herald/pg"));
    }

    @Test
    void a_leading_tilde_in_the_embedded_directory_is_the_home_directory() {
        assertThat(bind(Map.of("herald.local-database.embedded-directory", "~/pg")).embeddedDirectory())
                .isEqualTo(Path.of(System.getProperty("user.home"), "pg"));
    }

    @Test
    void the_password_never_shows_in_the_servers_description() {
        assertThat(new PostgresServer("localhost", 5432, "postgres", "secret")).asString()
                .isEqualTo("postgres@localhost:5432")
                .doesNotContain("secret");
    }

    private static LocalDatabaseProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("herald.local-database", LocalDatabaseProperties.class);
    }
}
