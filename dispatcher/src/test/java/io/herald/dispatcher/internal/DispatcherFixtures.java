package io.herald.dispatcher.internal;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.zaxxer.hikari.HikariDataSource;

import io.herald.store.AppendResult;
import io.herald.store.EventPosition;
import io.herald.store.EventStore;
import io.herald.store.IncomingEvent;
import io.herald.store.StoreConfiguration;
import io.herald.store.StoreProperties;
import io.herald.store.TestDatabases;
import io.herald.subscriptions.SubscriptionService;
import io.herald.subscriptions.SubscriptionsProperties;
import io.herald.subscriptions.internal.SecretCipher;
import io.herald.subscriptions.internal.SubscriptionRepository;

/** What the dispatcher's integration tests set up with: the subscription service and due deliveries. */
final class DispatcherFixtures {

    private DispatcherFixtures() {
    }

    /** A fresh migrated database for one test class, with the store, JDBC and subscription service on it; close it after the class. */
    record Database(HikariDataSource dataSource, EventStore store, JdbcTemplate jdbc, TransactionTemplate transactions,
            SubscriptionService subscriptions) implements AutoCloseable {

        static Database open(String name, int poolSize) {
            HikariDataSource dataSource = TestDatabases.migrated(name, poolSize);
            return new Database(dataSource, StoreConfiguration.standalone(dataSource, Clock.systemUTC(), StoreProperties.defaults()),
                    new JdbcTemplate(dataSource), new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                    subscriptionService(dataSource));
        }

        @Override
        public void close() {
            store.close();
            dataSource.close();
        }
    }

    /** The subscription service to create subscriptions with: plain http allowed, a zero key. */
    static SubscriptionService subscriptionService(DataSource dataSource) {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        SubscriptionsProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "herald.subscriptions.secret-key", key, "herald.subscriptions.allow-http", "true")))
                .bindOrCreate("herald.subscriptions", SubscriptionsProperties.class);
        return new SubscriptionService(new SubscriptionRepository(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource)),
                new SecretCipher(key, new SecureRandom()), properties, event -> { }, Clock.systemUTC());
    }

    /** Stores an event and a due delivery of it to the subscription; returns the delivery id. */
    static long dueDelivery(EventStore store, JdbcTemplate jdbc, long subscription, IncomingEvent event) {
        EventPosition position = ((AppendResult.Appended) store.append(List.of(event))).positions().get(0);
        Timestamp storedAt = jdbc.queryForObject("SELECT stored_at FROM event WHERE tx = ? AND seq = ?", Timestamp.class,
                position.tx(), position.seq());
        return jdbc.queryForObject("""
                INSERT INTO delivery (subscription_id, event_tx, event_seq, event_stored_at, next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, now(), now()) RETURNING id
                """, Long.class, subscription, position.tx(), position.seq(), storedAt);
    }
}
