package io.herald.subscriptions.internal;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

import io.herald.store.StoredEvent;
import io.herald.subscriptions.PartyRegistry;
import io.herald.subscriptions.Subscription;
import io.herald.subscriptions.access.SubscriberAccess;

/**
 * The (subscription, event) pairs of a batch of events, matched against the subscription index
 * and kept only where the subscription's owner may read the event, and their insert as delivery
 * rows: shared by both change-feed matchers (PostgreSQL ranges and Cosmos DB's change feed
 * processor). The unique (subscription, event) key makes a repeated batch write nothing twice.
 */
final class DeliveryRows {

    private final List<Long> subscriptions = new ArrayList<>();
    private final List<Long> txs = new ArrayList<>();
    private final List<Long> seqs = new ArrayList<>();
    private final List<Timestamp> storedAt = new ArrayList<>();
    private int denied;

    private DeliveryRows() {
    }

    /** Matches every event of the batch against the index as it stands now, and asks whether each owner may read it. */
    static DeliveryRows match(List<StoredEvent> events, SubscriptionCatalog catalog, PartyRegistry parties,
            SubscriberAccess access) {
        PartyRegistry.Parents parents = parties.parentsOfEvents(events);
        List<Subscription> matchedSubscriptions = new ArrayList<>();
        List<StoredEvent> matchedEvents = new ArrayList<>();
        for (StoredEvent event : events) {
            for (Subscription subscription : catalog.index().match(event, parents.of(event))) {
                matchedSubscriptions.add(subscription);
                matchedEvents.add(event);
            }
        }
        boolean[] readable = access.mayRead(matchedSubscriptions, matchedEvents);
        DeliveryRows rows = new DeliveryRows();
        for (int i = 0; i < matchedEvents.size(); i++) {
            if (!readable[i]) {
                rows.denied++;
                continue;
            }
            StoredEvent event = matchedEvents.get(i);
            rows.subscriptions.add(matchedSubscriptions.get(i).id().value());
            rows.txs.add(event.position().tx());
            rows.seqs.add(event.position().seq());
            rows.storedAt.add(Timestamp.from(event.storedAt()));
        }
        return rows;
    }

    boolean isEmpty() {
        return subscriptions.isEmpty();
    }

    /** Matches left out because the subscription's owner may not read the event. */
    int denied() {
        return denied;
    }

    /**
     * Inserts the rows with {@code sql}, whose parameters are arrays of subscription ids, event tx,
     * event seq and stored-at times; returns how many rows were new.
     */
    int insert(JdbcTemplate jdbc, String sql) {
        if (isEmpty()) {
            return 0;
        }
        return jdbc.update(sql, statement -> {
            var connection = statement.getConnection();
            statement.setArray(1, connection.createArrayOf("bigint", subscriptions.toArray()));
            statement.setArray(2, connection.createArrayOf("bigint", txs.toArray()));
            statement.setArray(3, connection.createArrayOf("bigint", seqs.toArray()));
            statement.setArray(4, connection.createArrayOf("timestamptz", storedAt.toArray()));
        });
    }
}
