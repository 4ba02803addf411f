package io.herald.api.database;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where Herald finds a database when {@code spring.datasource.url} is not set
 * ({@code herald.local-database.*}): first a PostgreSQL on {@code host:port}, then an embedded one.
 * Bound from the environment before any bean exists, so the defaults live here and nowhere else.
 *
 * @param enabled whether to look for a local database at all; when off, Herald needs {@code spring.datasource.url}
 * @param host the PostgreSQL tried first
 * @param port its port
 * @param username a role there that may create {@code database}
 * @param password that role's password; empty for a server that trusts local connections
 * @param database the database Herald uses, created on the server (or in the embedded one) if missing
 * @param connectTimeout how long to wait for that PostgreSQL; short, because every start without one waits this long
 * @param embeddedDirectory where the embedded PostgreSQL keeps its binaries, data and log; a leading {@code ~}
 *        is the user's home
 */
@ConfigurationProperties("herald.local-database")
public record LocalDatabaseProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("localhost") String host,
        @DefaultValue("5432") int port,
        @DefaultValue("postgres") String username,
        @DefaultValue("") String password,
        @DefaultValue("herald") String database,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("~/.herald/embedded-postgres") Path embeddedDirectory) {

    public LocalDatabaseProperties {
        // @DefaultValue does not resolve ${user.home}, so the default names the home directory as ~
        embeddedDirectory = expandHome(embeddedDirectory).toAbsolutePath();
    }

    /** The server these properties describe. */
    PostgresServer server() {
        return new PostgresServer(host, port, username, password);
    }

    private static Path expandHome(Path path) {
        if (path.isAbsolute() || !path.getName(0).toString().equals("~")) {
            return path;
        }
        Path home = Path.of(System.getProperty("user.home"));
        return path.getNameCount() == 1 ? home : home.resolve(path.subpath(1, path.getNameCount()));
    }
}
