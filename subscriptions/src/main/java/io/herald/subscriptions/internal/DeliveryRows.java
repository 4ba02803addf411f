package io.herald.subscriptions.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

import io.herald.store.EventPosition;
import io.herald.store.EventReference;
import io.herald.store.StoredEvent;
import io.herald.subscriptions.DeliveryHandoff;
import io.herald.subscriptions.PartyRegistry;
import io.herald.subscriptions.Subscription;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.access.SubscriberAccess;

/**
 * The (subscription, event) pairs of a batch of events, matched against the subscription index
 * and kept only where the subscription's owner may read the event, and their insert as delivery
 * rows: shared by both change-feed matchers (PostgreSQL ranges and Cosmos DB's change feed
 * processor). The unique (subscription, event) key makes a repeated batch write nothing twice.
 */
final class DeliveryRows {

    /** On PostgreSQL: a subscription's events are those of transactions after the one that validated it. */
    static final String AFTER_VALIDATING_TRANSACTION = "s.validated_tx IS NOT NULL AND u.tx > s.validated_tx";
    /** On Cosmos DB, whose positions are not PostgreSQL transactions: those stored since its validation. */
    static final String STORED_SINCE_VALIDATION = "s.validated_at IS NOT NULL AND u.stored_at >= s.validated_at";

    /**
     * The first {@code n} rows (by their order in the batch) whose subscription has no ordered delivery are
     * handed over ({@link DeliveryHandoff}): written with their first attempt counted and due only when the
     * handoff's lease ends. Parameters: that lease as an interval, the four arrays, {@code n}.
     */
    private static final String INSERT = """
            INSERT INTO delivery (subscription_id, event_tx, event_seq, event_stored_at, next_attempt_at, created_at, attempts)
            SELECT u.subscription_id, u.tx, u.seq, u.stored_at, CASE WHEN h.handed THEN now() + ?::interval ELSE now() END,
                   now(), CASE WHEN h.handed THEN 1 ELSE 0 END
            FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::timestamptz[]) WITH ORDINALITY
                 AS u(subscription_id, tx, seq, stored_at, ord)
            JOIN subscription s ON s.id = u.subscription_id
            CROSS JOIN LATERAL (SELECT u.ord <= ? AND NOT s.ordered_delivery AS handed) h
            WHERE NOT s.paused AND %s
            ORDER BY u.ord
            ON CONFLICT DO NOTHING
            """;

    /** What {@link #insertGuarded} wrote: how many rows ({@code -1} when the guard changed none), and those handed over. */
    record Written(int created, List<DeliveryHandoff.HandedDelivery> handed) {
    }

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
     * Inserts the rows whose subscription is, in the database now, not paused and had this event
     * after its validation by {@code validationRule} (one of the constants above); a pair already
     * there is left as it is. Returns how many rows were new.
     */
    int insert(JdbcTemplate jdbc, String validationRule) {
        if (isEmpty()) {
            return 0;
        }
        return jdbc.update(INSERT.formatted(validationRule), statement -> bind(statement, 1, 0, Duration.ZERO));
    }

    /**
     * As {@link #insert}, with {@code guard} — an UPDATE (without RETURNING) such as a fenced checkpoint move — in
     * the same statement: the rows are written only if the guard changed a row, and both or neither are kept, in
     * one round trip and one commit rather than a transaction of three statements. Up to {@code handOff} of them
     * are written reserved for {@code lease} and answered, to be handed over after the commit.
     */
    Written insertGuarded(JdbcTemplate jdbc, String validationRule, int handOff, Duration lease, String guard,
            Object... guardParameters) {
        String sql = "WITH guard AS (" + guard + " RETURNING 1), inserted AS ("
                + INSERT.formatted(validationRule + " AND EXISTS (SELECT 1 FROM guard)")
                + " RETURNING id, subscription_id, event_tx, event_seq, event_stored_at, attempts)"
                + " SELECT (SELECT count(*) FROM guard), (SELECT count(*) FROM inserted), i.id, i.subscription_id,"
                + " i.event_tx, i.event_seq, i.event_stored_at FROM (SELECT 1) one LEFT JOIN inserted i ON i.attempts = 1";
        return jdbc.query(sql, statement -> {
            for (int i = 0; i < guardParameters.length; i++) {
                statement.setObject(i + 1, guardParameters[i]);
            }
            bind(statement, guardParameters.length + 1, handOff, lease);
        }, rows -> {
            List<DeliveryHandoff.HandedDelivery> handed = new ArrayList<>();
            int created = 0;
            while (rows.next()) {
                if (rows.getInt(1) == 0) {
                    return new Written(-1, List.of());
                }
                created = rows.getInt(2);
                long id = rows.getLong(3);
                if (!rows.wasNull()) {
                    handed.add(new DeliveryHandoff.HandedDelivery(id, new SubscriptionId(rows.getLong(4)),
                            new EventReference(new EventPosition(rows.getLong(5), rows.getLong(6)), rows.getTimestamp(7).toInstant())));
                }
            }
            return new Written(created, handed);
        });
    }

    private void bind(PreparedStatement statement, int first, int handOff, Duration lease) throws SQLException {
        var connection = statement.getConnection();
        statement.setString(first, lease.toMillis() + " milliseconds");
        statement.setArray(first + 1, connection.createArrayOf("bigint", subscriptions.toArray()));
        statement.setArray(first + 2, connection.createArrayOf("bigint", txs.toArray()));
        statement.setArray(first + 3, connection.createArrayOf("bigint", seqs.toArray()));
        statement.setArray(first + 4, connection.createArrayOf("timestamptz", storedAt.toArray()));
        statement.setInt(first + 5, handOff);
    }
}
