package io.herald.subscriptions.internal;

import java.util.List;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.herald.store.SharedChangeFeed;
import io.herald.store.StoredEvent;
import io.herald.subscriptions.DeliveriesCreated;
import io.herald.subscriptions.PartyRegistry;
import io.herald.subscriptions.access.SubscriberAccess;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The matcher when the log is in Cosmos DB: the change feed processor hands each instance the
 * events of the partitions it leases; every batch is matched against the subscription index and
 * its deliveries are committed to PostgreSQL before the handler returns, and only then does the
 * processor checkpoint the batch. A batch offered again (a crash, a lease taken over) writes
 * nothing twice: a delivery is unique per (subscription, event). Events are matched to a
 * subscription when they were stored at or after its validation.
 */
public final class CosmosChangeFeedMatcher implements SmartLifecycle {

    /** The lease prefix all matcher instances share. */
    public static final String GROUP = "matcher";

    private static final Logger log = LoggerFactory.getLogger(CosmosChangeFeedMatcher.class);

    private final SharedChangeFeed feed;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final SubscriptionCatalog catalog;
    private final PartyRegistry parties;
    private final SubscriberAccess access;
    private final String instance;
    private final Consumer<DeliveriesCreated> created;
    private final MatcherCounters counters;
    private volatile SharedChangeFeed.Running running;

    public CosmosChangeFeedMatcher(SharedChangeFeed feed, JdbcTemplate jdbc, TransactionTemplate transactions,
            SubscriptionCatalog catalog, PartyRegistry parties, SubscriberAccess access, String instance,
            MeterRegistry meters, Consumer<DeliveriesCreated> created) {
        this.access = access;
        this.feed = feed;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.catalog = catalog;
        this.parties = parties;
        this.instance = instance;
        this.created = created;
        this.counters = new MatcherCounters(meters, instance);
    }

    /** Matches one batch and commits its deliveries; throwing makes the processor offer the batch again. */
    void match(List<StoredEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        // after the events were read: every subscription validated before they were stored is in the index
        catalog.refresh();
        DeliveryRows rows = DeliveryRows.match(events, catalog, parties, access);
        int written = transactions.execute(status -> rows.insert(jdbc, DeliveryRows.STORED_SINCE_VALIDATION));
        counters.batch(events.size(), written, rows.denied());
        if (written > 0) {
            created.accept(new DeliveriesCreated(written));
        }
    }

    @Override
    public synchronized void start() {
        if (running == null) {
            running = feed.start(GROUP, instance, this::match);
            log.info("Matcher {} follows the Cosmos DB change feed", instance);
        }
    }

    /** Stops after the batch in progress and gives the leases back, so other instances continue at once. */
    @Override
    public synchronized void stop() {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }
}
