package io.herald.api.database;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** Starts the embedded PostgreSQL in a directory Herald owns, so its events survive a restart. */
final class EmbeddedPostgresLauncher {

    static final String DATA = "data";
    static final String LOG = "postgres.log";

    private EmbeddedPostgresLauncher() {
    }

    /** Starts it on a free port of localhost; user {@code postgres}, no password. */
    static EmbeddedPostgres start(Path directory) throws IOException {
        Files.createDirectories(directory);
        // Logging is not set up yet while the environment is prepared, so the server's own words would be lost
        Redirect log = Redirect.appendTo(directory.resolve(LOG).toFile());
        return EmbeddedPostgres.builder()
                // Binaries go here rather than to the temp dir, which need not be ours and may be wiped
                .setOverrideWorkingDirectory(directory.toFile())
                // Not under <tmp>/embedded-pg, which zonky sweeps for stale data directories when it starts
                .setDataDirectory(directory.resolve(DATA))
                // Kept on close; zonky skips initdb when the directory already holds a cluster
                .setCleanDataDirectory(false)
                // EmbeddedPostgresShutdown stops it after Herald's beans; zonky's JVM hook would race them
                .setRegisterShutdownHook(false)
                // Zonky turns this off for test speed; Herald acknowledges an event only once it is durable
                .setServerConfig("synchronous_commit", "on")
                .setOutputRedirector(log)
                .setErrorRedirector(log)
                .start();
    }
}
