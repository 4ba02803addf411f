package io.herald.dispatcher.internal;

import java.time.Duration;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.herald.store.EventPosition;
import io.herald.store.EventReference;
import io.herald.subscriptions.SubscriptionId;

/**
 * The {@code delivery} table as a work queue: due deliveries are claimed in one statement with
 * {@code FOR UPDATE SKIP LOCKED} (so instances never claim the same one) by moving their due time
 * a lease ahead; a crashed instance's claims fall due again when the lease ends. A delivery of a
 * subscription with ordered delivery is claimed only when no earlier one of it is still pending
 * (claimed, waiting for a retry, or held back): the next event waits until the one before it was
 * delivered or dead-lettered, on every instance, since the claim itself keeps the earlier one
 * pending.
 */
final class DeliveryQueue {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    DeliveryQueue(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    List<ClaimedDelivery> claim(int limit, Duration lease) {
        return jdbc.query("""
                UPDATE delivery SET next_attempt_at = now() + ?::interval, attempts = attempts + 1
                WHERE id IN (SELECT d.id FROM delivery d JOIN subscription s ON s.id = d.subscription_id
                             WHERE d.status = 'pending' AND d.next_attempt_at <= now()
                               AND (NOT s.ordered_delivery OR NOT EXISTS (
                                    SELECT 1 FROM delivery earlier
                                    WHERE earlier.subscription_id = d.subscription_id AND earlier.status = 'pending'
                                      AND (earlier.event_tx, earlier.event_seq) < (d.event_tx, d.event_seq)))
                             ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE OF d SKIP LOCKED)
                RETURNING id, subscription_id, event_tx, event_seq, event_stored_at, attempts
                """, (row, n) -> new ClaimedDelivery(row.getLong(1), new SubscriptionId(row.getLong(2)),
                        new EventReference(new EventPosition(row.getLong(3), row.getLong(4)), row.getTimestamp(5).toInstant()),
                        row.getInt(6)),
                interval(lease), limit);
    }

    /** How much waits: deliveries due now, all pending ones (due later too), and how late the oldest due one is. */
    record Depth(long due, long pending, double oldestDueSeconds) {
    }

    Depth depth() {
        return jdbc.queryForObject("""
                SELECT count(*) FILTER (WHERE next_attempt_at <= now()), count(*),
                       coalesce(extract(epoch FROM now() - min(next_attempt_at) FILTER (WHERE next_attempt_at <= now())), 0)
                FROM delivery WHERE status = 'pending'
                """, (row, n) -> new Depth(row.getLong(1), row.getLong(2), row.getDouble(3)));
    }

    /** Puts a claimed delivery back without counting the attempt (its endpoint is busy, or its subscription paused). */
    void postpone(ClaimedDelivery delivery, Duration delay) {
        jdbc.update("UPDATE delivery SET next_attempt_at = now() + ?::interval, attempts = attempts - 1 WHERE id = ?",
                interval(delay), delivery.id());
    }

    /**
     * Records the attempt and what follows from it: delivered, due again after {@code retryIn}, or
     * dead-lettered; and keeps the subscription's {@code failing_since}: set at the first failure
     * after a success, cleared by a success (written only when that flips, so the hot path rarely
     * touches the subscription row).
     */
    void record(ClaimedDelivery delivery, SendResult result, String outcome, String status, Duration retryIn) {
        boolean failed = !"delivered".equals(status);
        transactions.executeWithoutResult(tx -> {
            jdbc.update("""
                    UPDATE subscription SET failing_since = CASE WHEN ? THEN now() END
                    WHERE id = ? AND (failing_since IS NULL) = ?
                    """, failed, delivery.subscription().value(), failed);
            jdbc.update("""
                    INSERT INTO delivery_attempt (delivery_id, attempt, attempted_at, status_code, latency_ms,
                                                  response_excerpt, error, outcome)
                    VALUES (?, ?, now(), ?, ?, ?, ?, ?)
                    """, delivery.id(), delivery.attempt(), result.answered() ? result.status() : null,
                    (int) Math.min(Integer.MAX_VALUE, result.latencyMillis()), result.excerpt(), error(result), outcome);
            jdbc.update("""
                    UPDATE delivery SET status = ?, last_status = ?, last_error = ?,
                           next_attempt_at = CASE WHEN ? = 'pending' THEN now() + ?::interval ELSE next_attempt_at END,
                           delivered_at = CASE WHEN ? = 'delivered' THEN now() END,
                           dead_lettered_at = CASE WHEN ? = 'dead' THEN now() END
                    WHERE id = ?
                    """, status, result.answered() ? result.status() : null, error(result), status,
                    interval(retryIn == null ? Duration.ZERO : retryIn), status, status, delivery.id());
        });
    }

    /** The event has expired from the log: nothing can be delivered any more. */
    void deadLetterWithoutAttempt(ClaimedDelivery delivery, String reason) {
        jdbc.update("UPDATE delivery SET status = 'dead', dead_lettered_at = now(), last_error = ?, attempts = attempts - 1 "
                + "WHERE id = ?", reason, delivery.id());
    }

    private static String error(SendResult result) {
        if (result.errorClass() == null) {
            return result.answered() && (result.status() < 200 || result.status() > 299) ? "HTTP " + result.status() : null;
        }
        String message = result.errorClass() + (result.error() == null ? "" : ": " + result.error());
        return message.length() > 500 ? message.substring(0, 500) : message;
    }

    private static String interval(Duration duration) {
        return duration.toMillis() + " milliseconds";
    }
}
