package io.herald.subscriptions;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.UUID;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.herald.store.AppendListeners;
import io.herald.store.EventStore;
import io.herald.store.SharedChangeFeed;
import io.herald.subscriptions.access.SubscriberAccess;
import io.herald.subscriptions.internal.ChangeFeedMatcher;
import io.herald.subscriptions.internal.CosmosChangeFeedMatcher;
import io.herald.subscriptions.internal.RangeLeases;
import io.herald.subscriptions.internal.SubscriptionCatalog;
import io.herald.subscriptions.internal.TablePartyRegistry;
import io.micrometer.core.instrument.MeterRegistry;

/** The subscriptions module's settings and matching beans; its other components are found by scanning. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SubscriptionsProperties.class)
public class SubscriptionsConfiguration {

    @Bean
    PartyRegistry partyRegistry(JdbcTemplate jdbc) {
        return new TablePartyRegistry(jdbc);
    }

    @Bean
    @DependsOnDatabaseInitialization
    SubscriptionCatalog subscriptionCatalog(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        return new SubscriptionCatalog(jdbc, transactions, new SubscriptionIndex());
    }

    @Bean
    @DependsOnDatabaseInitialization
    @ConditionalOnBooleanProperty(name = "herald.subscriptions.matcher.enabled", matchIfMissing = true)
    @ConditionalOnProperty(name = "herald.store.type", havingValue = "postgres", matchIfMissing = true)
    RangeLeases rangeLeases(JdbcTemplate jdbc, SubscriptionsProperties properties) {
        return new RangeLeases(jdbc, instanceName(), properties.matcher().leaseDuration(), properties.matcher().ranges());
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "herald.subscriptions.matcher.enabled", matchIfMissing = true)
    @ConditionalOnProperty(name = "herald.store.type", havingValue = "postgres", matchIfMissing = true)
    ChangeFeedMatcher changeFeedMatcher(EventStore store, JdbcTemplate jdbc, SubscriptionCatalog catalog, PartyRegistry parties,
            SubscriberAccess access, RangeLeases leases, SubscriptionsProperties properties, Clock clock, MeterRegistry meters,
            ApplicationEventPublisher events, AppendListeners appended, ObjectProvider<DeliveryHandoff> handoff) {
        ChangeFeedMatcher matcher = new ChangeFeedMatcher(store, jdbc, catalog, parties, access, leases,
                properties.matcher(), clock, meters, events::publishEvent, handoff::getIfAvailable);
        appended.add(matcher::wakeUp);
        return matcher;
    }

    /** With the log in Cosmos DB, the change feed processor drives matching (leases in Cosmos DB, deliveries here). */
    @Bean
    @DependsOnDatabaseInitialization
    @ConditionalOnBooleanProperty(name = "herald.subscriptions.matcher.enabled", matchIfMissing = true)
    @ConditionalOnProperty(name = "herald.store.type", havingValue = "cosmos")
    CosmosChangeFeedMatcher cosmosChangeFeedMatcher(SharedChangeFeed feed, JdbcTemplate jdbc,
            PlatformTransactionManager transactions, SubscriptionCatalog catalog, PartyRegistry parties,
            SubscriberAccess access, MeterRegistry meters, ApplicationEventPublisher events) {
        return new CosmosChangeFeedMatcher(feed, jdbc, new TransactionTemplate(transactions), catalog, parties, access,
                instanceName(), meters, events::publishEvent);
    }

    /** Host name plus a random suffix: unique per process, readable in leases and metrics. */
    private static String instanceName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "herald";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
