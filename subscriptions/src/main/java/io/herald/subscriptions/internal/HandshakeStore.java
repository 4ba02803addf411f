package io.herald.subscriptions.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import io.herald.subscriptions.PushOptions;
import io.herald.subscriptions.SubscriptionId;

/**
 * The handshake's state in the {@code subscription} table. Scheduling uses the database's clock,
 * so that instances whose clocks drift apart still agree on what is due.
 *
 * <p>A claim moves {@code next_validation_at} past the end of the attempt (its lease) in the same
 * statement that finds the row, under {@code FOR UPDATE SKIP LOCKED}: two instances never claim
 * one attempt, and an attempt lost with a crashed instance is claimed again once its lease ends.
 */
final class HandshakeStore {

    private static final String CLAIMED = "RETURNING id, end_point, resource_filter, validation_attempts, secret, push_content_type";

    /** Due retries, and rows that never had a first attempt scheduled. */
    private static final String CLAIM_DUE = """
            UPDATE subscription SET next_validation_at = now() + ? * interval '1 millisecond'
            WHERE id IN (
                SELECT id FROM subscription
                WHERE validated_at IS NULL AND channel = 'webhook'
                  AND (next_validation_at <= now() OR (next_validation_at IS NULL AND validation_attempts = 0))
                ORDER BY next_validation_at
                LIMIT ?
                FOR UPDATE SKIP LOCKED)
            """ + CLAIMED;

    /**
     * The first attempt of one subscription, if nobody has claimed it yet. A sweep's claim moves
     * next_validation_at beyond both now() and created_at, so comparing with the later of the
     * two keeps a new subscription claimable at once even when this instance's clock, which set
     * created_at, runs ahead of the database's.
     */
    private static final String CLAIM_FIRST = """
            UPDATE subscription SET next_validation_at = now() + ? * interval '1 millisecond'
            WHERE id IN (
                SELECT id FROM subscription
                WHERE id = ? AND validated_at IS NULL AND validation_attempts = 0 AND channel = 'webhook'
                  AND (next_validation_at IS NULL OR next_validation_at <= greatest(now(), created_at))
                FOR UPDATE SKIP LOCKED)
            """ + CLAIMED;

    private static final String NEXT_CATALOG_VERSION =
            "UPDATE subscription_catalog SET version = version + 1 WHERE id = 1 RETURNING version";

    // validated_tx is this transaction's own id: the matcher delivers events of later transactions.
    private static final String VALIDATED = """
            UPDATE subscription
            SET validated_at = now(), validated_tx = pg_current_xact_id()::text::bigint,
                next_validation_at = NULL, last_validation_error = NULL, version = ?, allowed_rate = ?
            WHERE id = ? AND validated_at IS NULL
            """;

    // A NULL delay makes next_validation_at NULL: given up, the subscription stays pending-validation.
    private static final String FAILED = """
            UPDATE subscription
            SET validation_attempts = validation_attempts + 1, last_validation_error = ?,
                next_validation_at = now() + ? * interval '1 millisecond'
            WHERE id = ? AND validated_at IS NULL
            """;

    private final DataSource dataSource;

    HandshakeStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    List<PendingHandshake> claimDue(int limit, Duration lease) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(CLAIM_DUE)) {
            statement.setLong(1, lease.toMillis());
            statement.setInt(2, limit);
            return claimed(statement);
        }
    }

    Optional<PendingHandshake> claimFirst(SubscriptionId id, Duration lease) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(CLAIM_FIRST)) {
            statement.setLong(1, lease.toMillis());
            statement.setLong(2, id.value());
            return claimed(statement).stream().findFirst();
        }
    }

    /**
     * Marks the subscription validated under the next catalog version. Taking the catalog row's
     * lock first serializes this with every other change to subscriptions, so versions follow
     * commit order. False when it was deleted meanwhile; the catalog is then left as it was.
     */
    boolean recordValidated(SubscriptionId id, Integer allowedRate) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                long version;
                try (PreparedStatement statement = connection.prepareStatement(NEXT_CATALOG_VERSION);
                     ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    version = rows.getLong(1);
                }
                int updated;
                try (PreparedStatement statement = connection.prepareStatement(VALIDATED)) {
                    statement.setLong(1, version);
                    if (allowedRate == null) {
                        statement.setNull(2, Types.INTEGER);
                    } else {
                        statement.setInt(2, allowedRate);
                    }
                    statement.setLong(3, id.value());
                    updated = statement.executeUpdate();
                }
                if (updated == 1) {
                    connection.commit();
                } else {
                    connection.rollback();
                }
                return updated == 1;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Counts a failed attempt; {@code retryAfter} empty gives up. False when the subscription is gone. */
    boolean recordFailed(SubscriptionId id, String reason, Optional<Duration> retryAfter) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(FAILED)) {
            statement.setString(1, reason);
            if (retryAfter.isPresent()) {
                statement.setLong(2, retryAfter.get().toMillis());
            } else {
                statement.setNull(2, Types.BIGINT);
            }
            statement.setLong(3, id.value());
            return statement.executeUpdate() == 1;
        }
    }

    private static List<PendingHandshake> claimed(PreparedStatement statement) throws SQLException {
        List<PendingHandshake> claimed = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                claimed.add(new PendingHandshake(new SubscriptionId(rows.getLong("id")), rows.getString("end_point"),
                        rows.getString("resource_filter"), rows.getInt("validation_attempts") + 1,
                        rows.getBytes("secret"), PushOptions.ContentType.of(rows.getString("push_content_type"))));
            }
        }
        return claimed;
    }
}
