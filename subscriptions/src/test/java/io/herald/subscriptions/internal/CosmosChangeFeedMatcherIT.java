package io.herald.subscriptions.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.zaxxer.hikari.HikariDataSource;

import io.herald.subscriptions.access.SubscriberAccess;
import io.herald.subscriptions.access.TestAccess;
import io.herald.store.CosmosTestServer;
import io.herald.store.IncomingEvent;
import io.herald.store.TestDatabases;
import io.herald.store.TestEvents;
import io.herald.store.cosmos.AbortedCommits;
import io.herald.store.cosmos.CosmosEventStore;
import io.herald.subscriptions.SubscriptionFilter;
import io.herald.subscriptions.SubscriptionIndex;
import io.herald.subscriptions.TestSubscriptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.node.ObjectNode;

/**
 * Matching driven by Cosmos DB's change feed processor: deliveries in PostgreSQL, events in the
 * project's local Cosmos DB-compatible server, one lease container shared by the instances.
 */
class CosmosChangeFeedMatcherIT {

    private static HikariDataSource dataSource;
    private static CosmosEventStore store;
    private static JdbcTemplate jdbc;
    private static TransactionTemplate transactions;
    private static TestSubscriptions subscriptions;
    private final List<CosmosChangeFeedMatcher> matchers = new ArrayList<>();
    private final java.util.Map<CosmosChangeFeedMatcher, SimpleMeterRegistry> meters = new java.util.HashMap<>();

    @BeforeAll
    static void start() {
        dataSource = TestDatabases.migrated("herald_cosmos_matcher_it", 8);
        store = CosmosTestServer.store("matcher");
        jdbc = new JdbcTemplate(dataSource);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        subscriptions = new TestSubscriptions(jdbc, transactions);
    }

    @AfterAll
    static void stop() {
        store.close();
        dataSource.close();
    }

    @org.junit.jupiter.api.BeforeEach
    void clean() {
        jdbc.update("DELETE FROM delivery");
    }

    @AfterEach
    void stopMatchers() {
        matchers.forEach(CosmosChangeFeedMatcher::stop);
    }

    private CosmosChangeFeedMatcher matcher(String instance) {
        var registry = new SimpleMeterRegistry();
        var matcher = new CosmosChangeFeedMatcher(store, jdbc, transactions,
                new SubscriptionCatalog(jdbc, new DataSourceTransactionManager(dataSource), new SubscriptionIndex()),
                new TablePartyRegistry(jdbc), new SubscriberAccess(jdbc, TestAccess.EVERYONE_READS_EVERYTHING), instance, registry,
                created -> { });
        matchers.add(matcher);
        meters.put(matcher, registry);
        return matcher;
    }

    private double matched(CosmosChangeFeedMatcher matcher) {
        return meters.get(matcher).get("herald.matcher.events").counter().count();
    }

    private static int deliveries(long subscription) {
        return jdbc.queryForObject("SELECT count(*) FROM delivery WHERE subscription_id = ?", Integer.class, subscription);
    }

    private static int distinctDeliveries(long subscription) {
        return jdbc.queryForObject("SELECT count(DISTINCT (event_tx, event_seq)) FROM delivery WHERE subscription_id = ?",
                Integer.class, subscription);
    }

    @Test
    void shouldDeliverEveryOneOf5000EventsOnceWithTwoProcessorsWhenOneStopsMidway() {
        String resource = "urn:altinn:resource:app_ttd_cosmos_" + UUID.randomUUID().toString().substring(0, 8);
        long all = subscriptions.createValidated(new SubscriptionFilter(resource, null, null, null, null, false));
        long created = subscriptions.createValidated(new SubscriptionFilter(resource, null, null, null, "app.instance.created", false));
        CosmosChangeFeedMatcher first = matcher("first");
        CosmosChangeFeedMatcher second = matcher("second");
        first.start();
        second.start();

        int events = 5_000;
        int createdEvents = 0;
        CosmosChangeFeedMatcher working = null;
        CosmosChangeFeedMatcher idle = null;
        List<IncomingEvent> batch = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            ObjectNode json = TestEvents.json(resource);
            json.put("subject", "/party/" + (50_000 + i % 97));
            if (i % 3 == 0) {
                json.put("type", "app.instance.process.completed");
            } else {
                createdEvents++;
            }
            batch.add(TestEvents.parse(json));
            if (batch.size() == 100) {
                store.append(batch);
                batch = new ArrayList<>();
            }
            if (i == events / 2) {
                // stop the instance that holds the lease once deliveries flow; the other must take it over
                await().atMost(Duration.ofSeconds(60)).until(() -> deliveries(all) > 0);
                working = matched(first) > 0 ? first : second;
                idle = working == first ? second : first;
                working.stop();
            }
        }
        store.append(batch);

        int expectedCreated = createdEvents;
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> deliveries(all) == events && deliveries(created) == expectedCreated);
        assertThat(distinctDeliveries(all)).isEqualTo(events);
        assertThat(matched(idle)).as("the other instance took the lease over").isPositive();
        assertThat(distinctDeliveries(created)).isEqualTo(expectedCreated);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery WHERE subscription_id NOT IN (?, ?)", Integer.class,
                all, created)).isZero();
    }

    @Test
    void shouldMatchOnlyEventsStoredAfterTheSubscriptionWasValidated() {
        String resource = "urn:altinn:resource:app_ttd_cosmos_" + UUID.randomUUID().toString().substring(0, 8);
        long subscription = subscriptions.create(new SubscriptionFilter(resource, null, null, null, null, false));
        store.append(List.of(TestEvents.event(resource)));
        subscriptions.validate(subscription);
        store.append(List.of(TestEvents.event(resource)));
        matcher("only").start();

        await().atMost(Duration.ofSeconds(60)).until(() -> deliveries(subscription) == 1);
    }

    /** Events of commits that were given up never become deliveries; each committed one becomes exactly one. */
    @Test
    void shouldDeliverEachCommittedEventOnceAndNoneOfAnAbortedCommit() {
        String resource = "urn:altinn:resource:app_ttd_cosmos_" + UUID.randomUUID().toString().substring(0, 8);
        long subscription = subscriptions.createValidated(new SubscriptionFilter(resource, null, null, null, null, false));
        List<String> committed = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            AbortedCommits.writeAndAbandon(store, List.of(TestEvents.event(resource), TestEvents.event(resource)));
            var appended = (io.herald.store.AppendResult.Appended) store.append(List.of(TestEvents.event(resource)));
            committed.add(appended.positions().get(0).toString());
        }
        matcher("aborted").start();

        await().atMost(Duration.ofSeconds(60)).until(() -> deliveries(subscription) >= committed.size());
        assertThat(jdbc.queryForList("SELECT event_tx || '-' || event_seq FROM delivery WHERE subscription_id = ? "
                + "ORDER BY event_tx, event_seq", String.class, subscription)).containsExactlyElementsOf(committed);
    }
}
