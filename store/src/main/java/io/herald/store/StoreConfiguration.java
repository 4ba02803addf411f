package io.herald.store;

import java.time.Clock;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.herald.store.internal.PartitionMaintenance;
import io.herald.store.internal.PartitionMaintenanceJob;
import io.herald.store.cosmos.CosmosEventStore;
import io.herald.store.internal.PostgresEventStore;

/**
 * The store module's beans: the {@link EventStore} selected by {@code herald.store.type} — on
 * PostgreSQL (the default) with its partition maintenance, or on Cosmos DB, which is then also the
 * {@link SharedChangeFeed} the matcher follows.
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
    @ConditionalOnProperty(name = "herald.store.type", havingValue = "postgres", matchIfMissing = true)
    PartitionMaintenanceJob partitionMaintenanceJob(DataSource dataSource, Clock clock, StoreProperties properties) {
        return new PartitionMaintenanceJob(new PartitionMaintenance(dataSource, clock, properties), properties.maintenanceInterval());
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
    @ConditionalOnProperty(name = "herald.store.type", havingValue = "postgres", matchIfMissing = true)
    EventStore eventStore(DataSource dataSource, Clock clock, StoreProperties properties,
            PartitionMaintenanceJob partitionsReady, ApplicationEventPublisher events) {
        return new PostgresEventStore(dataSource, clock, properties, events::publishEvent);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "herald.store.type", havingValue = "cosmos")
    CosmosEventStore cosmosEventStore(Clock clock, StoreProperties properties, ApplicationEventPublisher events) {
        return CosmosEventStore.open(properties, clock, events::publishEvent);
    }
}
