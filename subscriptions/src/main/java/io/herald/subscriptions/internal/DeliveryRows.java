package io.herald.subscriptions.internal;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;

import io.herald.store.StoredEvent;
import io.herald.subscriptions.PartyRegistry;
import io.herald.subscriptions.Subscription;

/**
 * The (subscription, event) pairs of a batch of events, matched against the subscription index,
 * and their insert as delivery rows: shared by both change-feed matchers (PostgreSQL ranges and
 * Cosmos DB's change feed processor). The unique (subscription, event) key makes a repeated
 * batch write nothing twice.
 */
final class DeliveryRows {

    private final List<Long> subscriptions = new ArrayList<>();
    private final List<Long> txs = new ArrayList<>();
    private final List<Long> seqs = new ArrayList<>();
    private final List<Timestamp> storedAt = new ArrayList<>();

    private DeliveryRows() {
    }

    /** Matches every event of the batch against the index as it stands now. */
    static DeliveryRows match(List<StoredEvent> events, SubscriptionCatalog catalog, PartyRegistry parties) {
        Map<String, Set<String>> parents = parties.parentsOf(organisations(events));
        DeliveryRows rows = new DeliveryRows();
        for (StoredEvent event : events) {
            String organisation = organisation(event);
            Set<String> parentsOfEvent = organisation == null ? Set.of() : parents.getOrDefault(organisation, Set.of());
            for (Subscription subscription : catalog.index().match(event, parentsOfEvent)) {
                rows.subscriptions.add(subscription.id().value());
                rows.txs.add(event.position().tx());
                rows.seqs.add(event.position().seq());
                rows.storedAt.add(Timestamp.from(event.storedAt()));
            }
        }
        return rows;
    }

    boolean isEmpty() {
        return subscriptions.isEmpty();
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

    private static Set<String> organisations(List<StoredEvent> events) {
        Set<String> numbers = new HashSet<>();
        for (StoredEvent event : events) {
            String number = organisation(event);
            if (number != null) {
                numbers.add(number);
            }
        }
        return numbers;
    }

    /** The organisation number of an {@code /org/{number}} alternative subject, or null. */
    private static String organisation(StoredEvent event) {
        String alternative = event.alternativeSubject();
        return alternative != null && alternative.startsWith("/org/") ? alternative.substring(5) : null;
    }
}
