package io.herald.dispatcher;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import io.herald.store.EventPosition;
import io.herald.store.EventStore;
import io.herald.store.FeedPage;
import io.herald.store.FeedQuery;
import io.herald.store.StoreProperties;
import io.herald.store.StoredEvent;
import io.herald.subscriptions.DeliveriesCreated;
import io.herald.subscriptions.PartyRegistry;
import io.herald.subscriptions.Subscription;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.SubscriptionIndex;
import io.herald.subscriptions.SubscriptionService;
import io.herald.subscriptions.access.SubscriberAccess;

/**
 * Replays a range of the log for one subscription: its events are matched again against the
 * subscription's filters, exactly as the matcher did, and every match becomes due now — a new
 * delivery, or a delivered or dead-lettered one sent again with a fresh count of attempts (same
 * {@code webhook-id}, so a receiver that still has it deduplicates). A delivery still pending is
 * left as it is. Only events after the subscription was validated are replayed, as only those were
 * ever its events, and only those its owner may read now ({@link SubscriberAccess}, the matcher's
 * check): a replay never sends what the matcher would refuse today. One call examines at most
 * {@code maxEvents} events and says where to go on.
 */
@Service
public class EventReplay {

    /** Where to replay: events after {@code after} up to and including {@code until}, with a time in {@code [from, to)}; null bounds are open. */
    public record Range(EventPosition after, EventPosition until, Instant from, Instant to) {

        public Range {
            after = after == null ? EventPosition.START : after;
            if (until != null && !until.isAfter(after)) {
                throw new IllegalArgumentException("until (" + until + ") must come after after (" + after + ")");
            }
            if (from != null && to != null && !to.isAfter(from)) {
                throw new IllegalArgumentException("to (" + to + ") must be later than from (" + from + ")");
            }
        }
    }

    /**
     * What one call did: events {@code examined}, deliveries made due ({@code replayed}), and
     * {@code next}, the position to replay on from when the call stopped at its bound (empty when
     * the range is done).
     */
    public record Result(int examined, int replayed, Optional<EventPosition> next) {
    }

    private static final String REPLAY = """
            INSERT INTO delivery (subscription_id, event_tx, event_seq, event_stored_at, next_attempt_at, created_at)
            SELECT ?, u.tx, u.seq, u.stored_at, now(), now()
            FROM unnest(?::bigint[], ?::bigint[], ?::timestamptz[]) AS u(tx, seq, stored_at)
            ON CONFLICT (subscription_id, event_tx, event_seq) DO UPDATE
               SET %s, delivered_at = NULL, last_status = NULL, last_error = NULL
               WHERE delivery.status <> 'pending'
            """.formatted(Deliveries.DUE_AGAIN);
    private static final int PAGE = 500;

    private final SubscriptionService subscriptions;
    private final EventStore store;
    private final PartyRegistry parties;
    private final JdbcTemplate jdbc;
    private final ApplicationEventPublisher events;
    private final SubscriberAccess access;
    /** On PostgreSQL a subscription's events are those of transactions after its validation; on Cosmos DB, stored at or after it. */
    private final boolean positionsAreTransactions;

    public EventReplay(SubscriptionService subscriptions, EventStore store, PartyRegistry parties, JdbcTemplate jdbc,
            ApplicationEventPublisher events, SubscriberAccess access, StoreProperties storeProperties) {
        this.access = access;
        this.positionsAreTransactions = storeProperties.type() == StoreProperties.Type.POSTGRES;
        this.subscriptions = subscriptions;
        this.store = store;
        this.parties = parties;
        this.jdbc = jdbc;
        this.events = events;
    }

    /** Empty when the consumer has no such subscription. */
    public Optional<Result> replay(String consumer, SubscriptionId id, Range range, int maxEvents) {
        Optional<Subscription> found = subscriptions.get(consumer, id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Subscription subscription = found.get();
        if (!subscription.validated()) {
            return Optional.of(new Result(0, 0, Optional.empty()));
        }
        // its events began after the transaction that validated it (the matchers' own rule)
        EventPosition start = positionsAreTransactions ? new EventPosition(subscription.validatedTx(), Long.MAX_VALUE)
                : EventPosition.START;
        EventPosition position = range.after().isAfter(start) ? range.after() : start;
        SubscriptionIndex one = new SubscriptionIndex();
        one.put(asActive(subscription));
        FeedQuery query = FeedQuery.after(position, Math.min(PAGE, maxEvents))
                .withResource(subscription.filter().resource())
                .withSubject(subscription.filter().subject())
                .withTimeRange(range.from(), range.to());
        int examined = 0;
        int replayed = 0;
        while (true) {
            FeedPage page = store.read(query.withAfter(position));
            List<StoredEvent> matched = new ArrayList<>();
            PartyRegistry.Parents parents = parties.parentsOfEvents(page.events());
            boolean ended = page.events().size() < query.limit();
            for (StoredEvent event : page.events()) {
                if (range.until() != null && event.position().isAfter(range.until())) {
                    ended = true;
                    break;
                }
                examined++;
                position = event.position();
                boolean itsEvent = positionsAreTransactions || !event.storedAt().isBefore(subscription.validatedAt());
                if (itsEvent && !one.match(event, parents.of(event)).isEmpty()) {
                    matched.add(event);
                }
            }
            replayed += write(id, readable(subscription, matched));
            if (ended) {
                wakeUp(replayed);
                return Optional.of(new Result(examined, replayed, Optional.empty()));
            }
            if (examined >= maxEvents) {
                wakeUp(replayed);
                return Optional.of(new Result(examined, replayed, Optional.of(position)));
            }
        }
    }

    /** The subscription as the matcher sees it when active: a paused one's replayed deliveries wait like its others. */
    private static Subscription asActive(Subscription s) {
        return new Subscription(s.id(), s.consumer(), s.createdBy(), s.endpoint(), s.filter(), false, s.createdAt(),
                s.validatedAt(), s.validatedTx(), s.version(), s.handshake(), s.orderedDelivery(), s.disabledReason());
    }

    private List<StoredEvent> readable(Subscription subscription, List<StoredEvent> matched) {
        if (matched.isEmpty()) {
            return matched;
        }
        boolean[] allowed = access.mayRead(Collections.nCopies(matched.size(), subscription), matched);
        List<StoredEvent> readable = new ArrayList<>(matched.size());
        for (int i = 0; i < matched.size(); i++) {
            if (allowed[i]) {
                readable.add(matched.get(i));
            }
        }
        return readable;
    }

    private int write(SubscriptionId id, List<StoredEvent> matched) {
        if (matched.isEmpty()) {
            return 0;
        }
        return jdbc.update(REPLAY, statement -> {
            var connection = statement.getConnection();
            statement.setLong(1, id.value());
            statement.setArray(2, connection.createArrayOf("bigint", matched.stream().map(e -> e.position().tx()).toArray()));
            statement.setArray(3, connection.createArrayOf("bigint", matched.stream().map(e -> e.position().seq()).toArray()));
            statement.setArray(4, connection.createArrayOf("timestamptz",
                    matched.stream().map(e -> Timestamp.from(e.storedAt())).toArray()));
        });
    }

    private void wakeUp(int replayed) {
        if (replayed > 0) {
            events.publishEvent(new DeliveriesCreated(replayed));
        }
    }
}
