package io.herald.store;

import java.time.Clock;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.herald.store.internal.PartitionMaintenance;
import io.herald.store.cosmos.CosmosEventStore;
import io.herald.store.internal.PostgresEventStore;

/**
 * The store module's beans: the {@link EventStore} selected by {@code herald.store.type} — on
 * PostgreSQL (the default) with its {@link LogMaintenance}, run once here before Herald serves and
 * by the cluster's scheduler from then on; or on Cosmos DB, which is then also the
 * {@link SharedChangeFeed} the matcher follows, and expires events by time to live.
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

    /** Told of every commit on this instance; the matcher adds itself. */
    @Bean
    AppendListeners appendListeners() {
        return new AppendListeners();
    }

    @Bean(destroyMethod = "close")
    @DependsOnDatabaseInitialization
    @ConditionalOnProperty(name = "herald.store.type", havingValue = "postgres", matchIfMissing = true)
    EventStore eventStore(DataSource dataSource, Clock clock, StoreProperties properties,
            LogMaintenance partitionsReady, AppendListeners appended) {
        return new PostgresEventStore(dataSource, clock, properties, appended);
    }

    /** Cosmos DB expires events, keys and commits by time to live: nothing for the scheduler to do. */
    @Bean
    @ConditionalOnProperty(name = "herald.store.type", havingValue = "cosmos")
    LogMaintenance cosmosLogMaintenance() {
        return () -> { };
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "herald.store.type", havingValue = "cosmos")
    CosmosEventStore cosmosEventStore(Clock clock, StoreProperties properties, AppendListeners appended) {
        return CosmosEventStore.open(properties, clock, appended);
    }
}
