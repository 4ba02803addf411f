package io.herald.store;

import java.time.Clock;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.herald.store.internal.PartitionMaintenance;
import io.herald.store.internal.PostgresEventStore;

/**
 * The store module's beans: the {@link EventStore} on PostgreSQL and its {@link LogMaintenance},
 * run once here before Herald serves; the cluster's scheduler runs it from then on.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StoreProperties.class)
public class StoreConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @DependsOnDatabaseInitialization
    LogMaintenance logMaintenance(DataSource dataSource, Clock clock, StoreProperties properties) {
        LogMaintenance maintenance = new PartitionMaintenance(dataSource, clock, properties).asLogMaintenance();
        maintenance.run(); // the current month can be written before the first publish
        return maintenance;
    }

    /**
     * A ready store outside Spring (benchmarks, tools): partitions made, group commit running.
     * Close it when done.
     */
    public static EventStore standalone(DataSource dataSource, Clock clock, StoreProperties properties) {
        return standalone(dataSource, clock, properties, appended -> { });
    }

    /** As {@link #standalone(DataSource, Clock, StoreProperties)}, telling {@code appended} of each commit. */
    public static EventStore standalone(DataSource dataSource, Clock clock, StoreProperties properties,
            java.util.function.Consumer<EventsAppended> appended) {
        new PartitionMaintenance(dataSource, clock, properties).run();
        return new PostgresEventStore(dataSource, clock, properties, appended);
    }

    @Bean(destroyMethod = "close")
    @DependsOnDatabaseInitialization
    EventStore eventStore(DataSource dataSource, Clock clock, StoreProperties properties,
            LogMaintenance partitionsReady, ApplicationEventPublisher events) {
        return new PostgresEventStore(dataSource, clock, properties, events::publishEvent);
    }
}
