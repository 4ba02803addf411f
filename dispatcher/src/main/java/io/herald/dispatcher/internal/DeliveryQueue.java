package io.herald.dispatcher.internal;

import java.time.Duration;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

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
 * pending. A delivery the matcher handed to this instance at its creation ({@code DeliveryHandoff}) was never
 * claimed: its claim is {@link ClaimedDelivery#AT_CREATION} (no claim number), and what is written about it is
 * fenced on that, so a claim by another instance after its lease ended wins over it as over any older claim.
 */
final class DeliveryQueue {

    private final JdbcTemplate jdbc;

    DeliveryQueue(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    List<ClaimedDelivery> claim(int limit, Duration lease) {
        return claim(limit, lease, new long[0]);
    }

    /**
     * Claims up to {@code limit} due deliveries, leaving out those of the subscriptions in
     * {@code holdBack} (their endpoint has no free slot on this instance): they stay due for
     * other instances and for later, rather than being claimed and put back again and again.
     */
    List<ClaimedDelivery> claim(int limit, Duration lease, long[] holdBack) {
        Long[] held = java.util.Arrays.stream(holdBack).boxed().toArray(Long[]::new);
        return jdbc.query("""
                UPDATE delivery SET next_attempt_at = now() + ?::interval, attempts = attempts + 1,
                                    claim = nextval('delivery_claim_seq')
                WHERE id IN (SELECT d.id FROM delivery d JOIN subscription s ON s.id = d.subscription_id
                             WHERE d.status = 'pending' AND d.next_attempt_at <= now()
                               AND NOT (d.subscription_id = ANY(?::bigint[]))
                               AND (NOT s.ordered_delivery OR NOT EXISTS (
                                    SELECT 1 FROM delivery earlier
                                    WHERE earlier.subscription_id = d.subscription_id AND earlier.status = 'pending'
                                      AND (earlier.event_tx, earlier.event_seq) < (d.event_tx, d.event_seq)))
                             ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE OF d SKIP LOCKED)
                RETURNING id, subscription_id, event_tx, event_seq, event_stored_at, attempts, claim
                """, statement -> {
                    statement.setString(1, interval(lease));
                    statement.setArray(2, statement.getConnection().createArrayOf("bigint", held));
                    statement.setInt(3, limit);
                }, (row, n) -> new ClaimedDelivery(row.getLong(1), new SubscriptionId(row.getLong(2)),
                        new EventReference(new EventPosition(row.getLong(3), row.getLong(4)), row.getTimestamp(5).toInstant()),
                        row.getInt(6), row.getLong(7)));
    }

    /**
     * Puts claimed deliveries back without counting the attempt (endpoint busy or held, subscription
     * paused), in one statement; a delivery claimed again elsewhere since is left alone.
     */
    void postponeAll(List<ClaimedDelivery> deliveries, Duration delay) {
        putBack(deliveries, delay, null);
    }

    /** {@link #postponeAll}, with the reason they wait as their {@code last_error}. */
    void holdBack(List<ClaimedDelivery> deliveries, Duration delay, String reason) {
        putBack(deliveries, delay, reason);
    }

    private void putBack(List<ClaimedDelivery> deliveries, Duration delay, String reason) {
        if (deliveries.isEmpty()) {
            return;
        }
        List<ClaimedDelivery> byId = deliveries.stream().sorted(java.util.Comparator.comparingLong(ClaimedDelivery::id)).toList();
        Long[] ids = byId.stream().map(ClaimedDelivery::id).toArray(Long[]::new);
        Long[] claims = byId.stream().map(ClaimedDelivery::claim).toArray(Long[]::new);
        jdbc.update("""
                UPDATE delivery d SET next_attempt_at = now() + ?::interval, attempts = d.attempts - 1,
                       last_error = coalesce(?, d.last_error)
                FROM unnest(?::bigint[], ?::bigint[]) AS u(id, claim)
                WHERE d.id = u.id AND coalesce(d.claim, 0) = u.claim
                """, statement -> {
                    statement.setString(1, interval(delay));
                    statement.setString(2, reason);
                    statement.setArray(3, statement.getConnection().createArrayOf("bigint", ids));
                    statement.setArray(4, statement.getConnection().createArrayOf("bigint", claims));
                });
    }

    /** What one attempt led to, as {@link #recordAll} writes it. */
    record Settled(ClaimedDelivery delivery, SendResult result, String outcome, String status, Duration retryIn) {
    }

    /**
     * Records attempts in one statement, its own transaction: every attempt row, each delivery's new state, and for
     * each subscription its {@code failing_since} by its latest attempt here (set at the first
     * failure after a success, cleared by a success; written only when that flips). Rows are
     * written in id order, so two instances recording at once never wait on each other in a cycle.
     *
     * <p>Fenced on the claim: a delivery claimed again since (this claim's lease ran out and another
     * instance took it) keeps the newer claimant's state; the attempt is still recorded, as
     * {@code superseded: …}, since the request was made. A delivery deleted meanwhile (with its
     * subscription) leaves no attempt: there is nothing left to record it against.
     *
     * @return how many attempts were superseded so
     */
    int recordAll(List<Settled> settled) {
        if (settled.isEmpty()) {
            return 0;
        }
        List<Settled> byId = settled.stream().sorted(java.util.Comparator.comparingLong(s -> s.delivery().id())).toList();
        java.util.TreeMap<Long, Boolean> failedBySubscription = new java.util.TreeMap<>();
        for (Settled one : settled) {
            failedBySubscription.put(one.delivery().subscription().value(), !"delivered".equals(one.status()));
        }
        Long[] ids = byId.stream().map(s -> s.delivery().id()).toArray(Long[]::new);
        Long[] claims = byId.stream().map(s -> s.delivery().claim()).toArray(Long[]::new);
        Integer[] attempts = byId.stream().map(s -> s.delivery().attempt()).toArray(Integer[]::new);
        Integer[] codes = byId.stream().map(s -> s.result().answered() ? s.result().status() : null).toArray(Integer[]::new);
        Integer[] latencies = byId.stream().map(s -> (int) Math.min(Integer.MAX_VALUE, s.result().latencyMillis())).toArray(Integer[]::new);
        String[] excerpts = byId.stream().map(s -> s.result().excerpt()).toArray(String[]::new);
        String[] errors = byId.stream().map(s -> error(s.result())).toArray(String[]::new);
        String[] outcomes = byId.stream().map(Settled::outcome).toArray(String[]::new);
        String[] statuses = byId.stream().map(Settled::status).toArray(String[]::new);
        Long[] retryMillis = byId.stream().map(s -> s.retryIn() == null ? 0L : s.retryIn().toMillis()).toArray(Long[]::new);
        Long[] subscriptions = failedBySubscription.keySet().toArray(Long[]::new);
        Boolean[] failed = failedBySubscription.values().toArray(Boolean[]::new);
        List<Long> current = jdbc.query(RECORD, statement -> {
            var connection = statement.getConnection();
            int p = 1;
            statement.setArray(p++, connection.createArrayOf("bigint", subscriptions));
            statement.setArray(p++, connection.createArrayOf("boolean", failed));
            statement.setArray(p++, connection.createArrayOf("bigint", ids));
            statement.setArray(p++, connection.createArrayOf("bigint", claims));
            statement.setArray(p++, connection.createArrayOf("text", statuses));
            statement.setArray(p++, connection.createArrayOf("int", codes));
            statement.setArray(p++, connection.createArrayOf("text", errors));
            statement.setArray(p++, connection.createArrayOf("bigint", retryMillis));
            statement.setArray(p++, connection.createArrayOf("bigint", ids));
            statement.setArray(p++, connection.createArrayOf("int", attempts));
            statement.setArray(p++, connection.createArrayOf("int", codes));
            statement.setArray(p++, connection.createArrayOf("int", latencies));
            statement.setArray(p++, connection.createArrayOf("text", excerpts));
            statement.setArray(p++, connection.createArrayOf("text", errors));
            statement.setArray(p, connection.createArrayOf("text", outcomes));
        }, (row, n) -> row.getLong(1));
        return ids.length - current.size();
    }

    /**
     * {@link #recordAll}'s one statement, its own transaction: the subscriptions' health, the deliveries' new
     * states (fenced on the claim) and the attempts (superseded where the fence kept the newer claimant's state);
     * answers the deliveries whose state it wrote. One round trip and one commit, where three statements in a
     * transaction took five.
     */
    private static final String RECORD = """
            WITH health AS (
                UPDATE subscription s SET failing_since = CASE WHEN u.failed THEN now() END
                FROM unnest(?::bigint[], ?::boolean[]) AS u(id, failed)
                WHERE s.id = u.id AND (s.failing_since IS NULL) = u.failed
            ), fenced AS (
                UPDATE delivery d SET status = u.status, last_status = u.code, last_error = u.error,
                       next_attempt_at = CASE WHEN u.status = 'pending' THEN now() + u.retry_ms * interval '1 millisecond'
                                              ELSE d.next_attempt_at END,
                       delivered_at = CASE WHEN u.status = 'delivered' THEN now() END,
                       dead_lettered_at = CASE WHEN u.status = 'dead' THEN now() END
                FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::int[], ?::text[], ?::bigint[])
                     AS u(id, claim, status, code, error, retry_ms)
                WHERE d.id = u.id AND coalesce(d.claim, 0) = u.claim
                RETURNING d.id
            ), recorded AS (
                INSERT INTO delivery_attempt (delivery_id, attempt, attempted_at, status_code, latency_ms,
                                              response_excerpt, error, outcome)
                SELECT u.id, u.attempt, now(), u.code, u.latency, u.excerpt, u.error,
                       CASE WHEN u.id IN (SELECT id FROM fenced) THEN u.outcome ELSE 'superseded: ' || u.outcome END
                FROM unnest(?::bigint[], ?::int[], ?::int[], ?::int[], ?::text[], ?::text[], ?::text[])
                     AS u(id, attempt, code, latency, excerpt, error, outcome)
                WHERE EXISTS (SELECT 1 FROM delivery d WHERE d.id = u.id)
            )
            SELECT id FROM fenced
            """;

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

    /** The event has expired from the log: nothing can be delivered any more (unless claimed again elsewhere since). */
    void deadLetterWithoutAttempt(ClaimedDelivery delivery, String reason) {
        jdbc.update("UPDATE delivery SET status = 'dead', dead_lettered_at = now(), last_error = ?, attempts = attempts - 1 "
                + "WHERE id = ? AND coalesce(claim, 0) = ?", reason, delivery.id(), delivery.claim());
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
