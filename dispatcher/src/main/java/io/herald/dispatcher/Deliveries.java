package io.herald.dispatcher;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import io.herald.subscriptions.DeliveriesCreated;
import io.herald.subscriptions.SubscriptionId;

/**
 * A subscription's deliveries as its subscriber sees them: the deliveries and every attempt at
 * them (keyset-paged by id), and the replay of dead letters. Callers check that the subscription
 * is the caller's; this class only ever looks at the given subscription's rows.
 */
@Service
public class Deliveries {

    /** The most dead letters one replay call puts back. */
    public static final int DEFAULT_REPLAY_CAP = 10_000;
    public static final Set<String> STATUSES = Set.of("pending", "delivered", "dead");

    /** What a replay sets: due now, with a fresh count of attempts. */
    static final String DUE_AGAIN = "status = 'pending', attempts = 0, next_attempt_at = now(), dead_lettered_at = NULL";

    private static final String DELIVERY_COLUMNS = """
            id, event_tx, event_seq, status, attempts, created_at, next_attempt_at, last_status, last_error,
            delivered_at, dead_lettered_at""";

    private final JdbcTemplate jdbc;
    private final ApplicationEventPublisher events;

    public Deliveries(JdbcTemplate jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /** Deliveries with an id after {@code afterId}, optionally only those of one status, in id order. */
    public List<DeliveryView> list(SubscriptionId id, Optional<String> status, long afterId, int limit) {
        if (status.isPresent()) {
            if (!STATUSES.contains(status.get())) {
                throw new IllegalArgumentException("a delivery status is one of " + STATUSES + " but was '" + status.get() + "'");
            }
            return jdbc.query("SELECT " + DELIVERY_COLUMNS + " FROM delivery WHERE subscription_id = ? AND status = ? AND id > ? "
                    + "ORDER BY id LIMIT ?", Deliveries::delivery, id.value(), status.get(), afterId, limit);
        }
        return jdbc.query("SELECT " + DELIVERY_COLUMNS + " FROM delivery WHERE subscription_id = ? AND id > ? ORDER BY id LIMIT ?",
                Deliveries::delivery, id.value(), afterId, limit);
    }

    /**
     * The newest deliveries first: those with an id below {@code beforeId} ({@link Long#MAX_VALUE} for the
     * newest), optionally only those of one status, in descending id order.
     */
    public List<DeliveryView> listNewest(SubscriptionId id, Optional<String> status, long beforeId, int limit) {
        if (status.isPresent()) {
            if (!STATUSES.contains(status.get())) {
                throw new IllegalArgumentException("a delivery status is one of " + STATUSES + " but was '" + status.get() + "'");
            }
            return jdbc.query("SELECT " + DELIVERY_COLUMNS + " FROM delivery WHERE subscription_id = ? AND status = ? AND id < ? "
                    + "ORDER BY id DESC LIMIT ?", Deliveries::delivery, id.value(), status.get(), beforeId, limit);
        }
        return jdbc.query("SELECT " + DELIVERY_COLUMNS + " FROM delivery WHERE subscription_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                Deliveries::delivery, id.value(), beforeId, limit);
    }

    /** The newest attempts first: those at the subscription's deliveries with an id below {@code beforeAttemptId}. */
    public List<AttemptView> attemptsNewest(SubscriptionId id, long beforeAttemptId, int limit) {
        return jdbc.query("""
                SELECT a.id, a.delivery_id, a.attempt, a.attempted_at, a.status_code, a.latency_ms, a.response_excerpt,
                       a.error, a.outcome
                FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id
                WHERE d.subscription_id = ? AND a.id < ?
                ORDER BY a.id DESC LIMIT ?
                """, (row, n) -> new AttemptView(row.getLong(1), row.getLong(2), row.getInt(3), instant(row, 4),
                        integer(row, 5), row.getInt(6), row.getString(7), row.getString(8), row.getString(9)),
                id.value(), beforeAttemptId, limit);
    }

    /** Attempts at any of the subscription's deliveries with an id after {@code afterAttemptId}, in id order. */
    public List<AttemptView> attempts(SubscriptionId id, long afterAttemptId, int limit) {
        return jdbc.query("""
                SELECT a.id, a.delivery_id, a.attempt, a.attempted_at, a.status_code, a.latency_ms, a.response_excerpt,
                       a.error, a.outcome
                FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id
                WHERE d.subscription_id = ? AND a.id > ?
                ORDER BY a.id LIMIT ?
                """, (row, n) -> new AttemptView(row.getLong(1), row.getLong(2), row.getInt(3), instant(row, 4),
                        integer(row, 5), row.getInt(6), row.getString(7), row.getString(8), row.getString(9)),
                id.value(), afterAttemptId, limit);
    }

    /** Puts a dead letter of the subscription back in the queue, due now; false if it is not one. */
    public boolean replay(SubscriptionId id, long deliveryId) {
        int replayed = jdbc.update("""
                UPDATE delivery SET %s
                WHERE id = ? AND subscription_id = ? AND status = 'dead'
                """.formatted(DUE_AGAIN), deliveryId, id.value());
        wakeUp(replayed);
        return replayed > 0;
    }

    /** Puts up to {@link #DEFAULT_REPLAY_CAP} of the subscription's dead letters back; returns how many. */
    public int replayDeadLetters(SubscriptionId id) {
        return replayDeadLetters(id, DEFAULT_REPLAY_CAP);
    }

    /**
     * Puts back up to {@code max} of the subscription's dead letters whose delivery was created (the
     * event matched) at or after {@code from} and before {@code to}, oldest first; a null bound is open.
     * Returns how many.
     */
    public int replayDeadLetters(SubscriptionId id, Instant from, Instant to, int max) {
        if (max < 1) {
            return 0;
        }
        int replayed = jdbc.update("""
                UPDATE delivery SET %s
                WHERE id IN (SELECT id FROM delivery WHERE subscription_id = ? AND status = 'dead'
                               AND created_at >= ? AND created_at < ?
                             ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
                  AND status = 'dead'
                """.formatted(DUE_AGAIN), id.value(),
                Timestamp.from(from == null ? Instant.EPOCH : from),
                Timestamp.from(to == null ? FAR_FUTURE : to), max);
        wakeUp(replayed);
        return replayed;
    }

    /** An upper bound no delivery reaches: the open end of a range (PostgreSQL's timestamps end in the year 294276). */
    private static final Instant FAR_FUTURE = Instant.parse("9999-12-31T00:00:00Z");

    /** Puts up to {@code max} of the subscription's dead letters (oldest first) back in the queue; returns how many. */
    public int replayDeadLetters(SubscriptionId id, int max) {
        return replayDeadLetters(id, null, null, max);
    }

    /** The dispatcher on this instance (if it runs one) listens for this and looks at once. */
    private void wakeUp(int replayed) {
        if (replayed > 0) {
            events.publishEvent(new DeliveriesCreated(replayed));
        }
    }

    private static DeliveryView delivery(ResultSet row, int n) throws SQLException {
        return new DeliveryView(row.getLong("id"), row.getLong("event_tx") + "-" + row.getLong("event_seq"),
                row.getString("status"), row.getInt("attempts"), instant(row, "created_at"), instant(row, "next_attempt_at"),
                integer(row, "last_status"), row.getString("last_error"), instant(row, "delivered_at"),
                instant(row, "dead_lettered_at"));
    }

    private static Instant instant(ResultSet row, int column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private static Integer integer(ResultSet row, int column) throws SQLException {
        int value = row.getInt(column);
        return row.wasNull() ? null : value;
    }

    private static Integer integer(ResultSet row, String column) throws SQLException {
        int value = row.getInt(column);
        return row.wasNull() ? null : value;
    }
}
