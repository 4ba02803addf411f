package io.herald.store.internal;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * Runs {@link PartitionMaintenance} once before Herald serves (so the current month can be
 * written), then every {@code herald.store.maintenance-interval}.
 */
public final class PartitionMaintenanceJob implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PartitionMaintenanceJob.class);

    private final PartitionMaintenance maintenance;
    private final long intervalMillis;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "herald-partition-maintenance");
        thread.setDaemon(true);
        return thread;
    });

    public PartitionMaintenanceJob(PartitionMaintenance maintenance, java.time.Duration interval) {
        this.maintenance = maintenance;
        this.intervalMillis = interval.toMillis();
    }

    @Override
    public void afterPropertiesSet() {
        maintenance.run();
        scheduler.scheduleWithFixedDelay(this::runQuietly, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void runQuietly() {
        try {
            maintenance.run();
        } catch (RuntimeException e) {
            log.error("Event log partition maintenance failed; it runs again in {} ms", intervalMillis, e);
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
