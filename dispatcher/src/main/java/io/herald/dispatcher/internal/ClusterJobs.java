package io.herald.dispatcher.internal;

import java.time.Duration;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.quartz.QuartzJobBean;

import io.herald.dispatcher.DispatcherProperties;
import io.herald.store.LogMaintenance;
import io.herald.store.StoreProperties;

/**
 * What must run on a schedule once across all Herald instances, on Quartz's clustered JDBC job
 * store (the {@code QRTZ_*} tables, migration V7): the event log's upkeep (partitions ahead,
 * retention) and the endpoint health check that disables endpoints failing for days. Whichever
 * instance's scheduler acquires a trigger runs it; if that instance dies, the others recover it.
 * Due retries need no sweep: every dispatcher claims due deliveries itself.
 */
@Configuration(proxyBeanMethods = false)
class ClusterJobs {

    static final String GROUP = "herald";

    @Bean
    JobDetail logMaintenanceJob() {
        return JobBuilder.newJob(LogMaintenanceJob.class).withIdentity("log-maintenance", GROUP)
                .withDescription("event log partitions ahead and retention").storeDurably().build();
    }

    @Bean
    Trigger logMaintenanceTrigger(JobDetail logMaintenanceJob, StoreProperties store) {
        // each instance has just run it at start (StoreConfiguration): the first round is one interval away
        return every(logMaintenanceJob, "log-maintenance", store.maintenanceInterval(), store.maintenanceInterval());
    }

    @Bean
    JobDetail endpointHealthJob() {
        return JobBuilder.newJob(EndpointHealthJob.class).withIdentity("endpoint-health", GROUP)
                .withDescription("disable subscriptions whose endpoints keep failing").storeDurably().build();
    }

    @Bean
    Trigger endpointHealthTrigger(JobDetail endpointHealthJob, DispatcherProperties dispatcher) {
        return every(endpointHealthJob, "endpoint-health", dispatcher.health().checkInterval(), Duration.ZERO);
    }

    private static Trigger every(JobDetail job, String name, Duration interval, Duration firstIn) {
        return TriggerBuilder.newTrigger().forJob(job).withIdentity(name, GROUP)
                .startAt(java.util.Date.from(java.time.Instant.now().plus(firstIn)))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(interval.toMillis())
                        .repeatForever()
                        // after a time with no instance up, run once now rather than once per missed interval
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }

    /** The event log's upkeep, once per interval across the cluster. */
    @DisallowConcurrentExecution
    static class LogMaintenanceJob extends QuartzJobBean {

        private final LogMaintenance maintenance;

        LogMaintenanceJob(LogMaintenance maintenance) {
            this.maintenance = maintenance;
        }

        @Override
        protected void executeInternal(JobExecutionContext context) {
            maintenance.run();
        }
    }

    /** The endpoint health check, once per interval across the cluster. */
    @DisallowConcurrentExecution
    static class EndpointHealthJob extends QuartzJobBean {

        private static final Logger log = LoggerFactory.getLogger(EndpointHealthJob.class);
        private final EndpointHealth health;

        EndpointHealthJob(EndpointHealth health) {
            this.health = health;
        }

        @Override
        protected void executeInternal(JobExecutionContext context) {
            int disabled = health.disableFailing();
            if (disabled > 0) {
                log.warn("Disabled {} subscriptions whose endpoints kept failing; their owners were told", disabled);
            }
        }
    }
}
