package io.herald.api.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.herald.store.TestDatabases;

/**
 * Herald killed with SIGKILL while events are published and delivered, then started again on the
 * same database: every event it acknowledged is stored exactly once, every matched delivery is
 * made at least once, and nothing the dead instance had claimed stays claimed — its claims and log
 * ranges are taken over once their leases end.
 */
class CrashRecoveryIT extends ReliabilityScenario {

    @Test
    void shouldKeepEveryAcknowledgedEventAndDeliverItAfterASigkillUnderLoad() throws Exception {
        String database = TestDatabases.recreate("herald_crash_recovery_it");
        Outcomes outcomes = new Outcomes(database, TestDatabases.USER);
        try (PublishLoad load = new PublishLoad(resource, 4)) {
            HeraldProcess first = HeraldProcess.start("crash-first", settings(database, TestDatabases.USER));
            long subscription;
            try {
                String token = first.agencyToken(AGENCY);
                subscription = subscribe(first, token);
                load.target(first, token);
                await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged().size() >= 300
                        && Outcomes.received(receiver, HOOK).size() >= 100);
            } finally {
                first.kill();
            }
            int acknowledgedBeforeTheCrash = load.acknowledged().size();

            try (HeraldProcess second = HeraldProcess.start("crash-second", settings(database, TestDatabases.USER))) {
                load.target(second, second.agencyToken(AGENCY));
                await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged().size() >= acknowledgedBeforeTheCrash + 100);
                load.close();

                assertThat(load.refused()).as("requests lost with the killed instance").isPositive();
                assertNothingAcknowledgedIsLost(outcomes, subscription, load);
            }
        }
    }
}
