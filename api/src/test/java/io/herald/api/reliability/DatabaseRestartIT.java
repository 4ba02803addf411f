package io.herald.api.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL stopped and started again while events are published and delivered: Herald answers
 * 503 meanwhile, recovers by itself (no restart of Herald), and loses nothing it acknowledged.
 * The database is a private embedded PostgreSQL this test owns, never the shared server.
 */
class DatabaseRestartIT extends ReliabilityScenario {

    private static EmbeddedPostgres start(Path directory, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(directory.toFile())
                .setDataDirectory(directory.resolve("data"))
                .setCleanDataDirectory(false)
                .setPort(port)
                // durable as in production: Herald acknowledges only what is committed
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
    }

    @Test
    void shouldRecoverByItselfAndKeepEveryAcknowledgedEventWhenPostgresRestartsUnderLoad() throws Exception {
        Path directory = Files.createTempDirectory(Files.createDirectories(Path.of("target", "reliability")), "pg-");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        EmbeddedPostgres postgres = start(directory, port);
        String database = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        Outcomes outcomes = new Outcomes(database, "postgres");
        try (PublishLoad load = new PublishLoad(resource, 4);
                HeraldProcess herald = HeraldProcess.start("database-restart", settings(database, "postgres"))) {
            String token = herald.agencyToken(AGENCY);
            long subscription = subscribe(herald, token);
            load.target(herald, token);
            await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged().size() >= 200
                    && Outcomes.received(receiver, HOOK).size() >= 50);

            postgres.close();
            int refusedBefore = load.refused();
            await().atMost(Duration.ofSeconds(60)).until(() -> load.refused() >= refusedBefore + 20);
            assertThat(herald.status("/actuator/health/readiness")).as("not ready without its database").isEqualTo(503);
            int acknowledgedWhileDown = load.acknowledged().size();
            postgres = start(directory, port);

            await().atMost(Duration.ofSeconds(60)).until(() -> herald.status("/actuator/health/readiness") == 200);
            await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged().size() >= acknowledgedWhileDown + 100);
            load.close();

            assertNothingAcknowledgedIsLost(outcomes, subscription, load);
        } finally {
            postgres.close();
        }
    }
}
