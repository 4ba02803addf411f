package io.herald.subscriptions.internal;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.herald.subscriptions.SubscriptionIndex;
import io.herald.subscriptions.PushOptions;
import io.herald.subscriptions.Subscription;
import io.herald.subscriptions.SubscriptionFilter;
import io.herald.subscriptions.SubscriptionId;

/**
 * Keeps this instance's {@link SubscriptionIndex} equal to the database as of the catalog version
 * it last read. Every change to a subscription takes the next catalog version under one row lock
 * (so versions follow commit order); {@link #refresh()} costs one tiny query when nothing changed
 * and otherwise reads just the changed rows and tombstones in one snapshot. The matcher calls it
 * after reading each batch of events and before matching them (docs/adr/0005-subscription-changes.md).
 */
public final class SubscriptionCatalog {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionCatalog.class);
    static final String COLUMNS = """
            id, consumer, created_by, end_point, resource_filter, source_filter, subject_filter,
            alternative_subject_filter, type_filter, include_subunits, paused, created_at, validated_at,
            validated_tx, version, validation_attempts, last_validation_error, next_validation_at, ordered_delivery,
            disabled_reason, push_content_type, allowed_rate""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate snapshot;
    private final SubscriptionIndex index;
    private long knownVersion = -1;

    public SubscriptionCatalog(JdbcTemplate jdbc, PlatformTransactionManager transactions, SubscriptionIndex index) {
        this.jdbc = jdbc;
        this.index = index;
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
    }

    public SubscriptionIndex index() {
        return index;
    }

    /** Brings the index up to the latest committed catalog version; returns that version. */
    public synchronized long refresh() {
        Long current = jdbc.queryForObject("SELECT version FROM subscription_catalog WHERE id = 1", Long.class);
        if (current != null && current == knownVersion) {
            return knownVersion;
        }
        snapshot.executeWithoutResult(status -> {
            long version = jdbc.queryForObject("SELECT version FROM subscription_catalog WHERE id = 1", Long.class);
            if (knownVersion < 0) {
                List<Subscription> all = jdbc.query("SELECT " + COLUMNS + " FROM subscription", SubscriptionCatalog::map);
                index.replaceAll(all);
                log.info("Loaded {} subscriptions ({} active) at catalog version {}", all.size(), index.size(), version);
            } else {
                jdbc.query("SELECT " + COLUMNS + " FROM subscription WHERE version > ?", row -> {
                    index.put(map(row, 0));
                }, knownVersion);
                jdbc.query("SELECT id FROM subscription_tombstone WHERE version > ?", row -> {
                    index.remove(row.getLong(1));
                }, knownVersion);
            }
            knownVersion = version;
        });
        return knownVersion;
    }

    static Subscription map(ResultSet row, int rowNumber) throws SQLException {
        long validatedTx = row.getLong("validated_tx");
        Long validated = row.wasNull() ? null : validatedTx;
        return new Subscription(
                new SubscriptionId(row.getLong("id")),
                row.getString("consumer"),
                row.getString("created_by"),
                URI.create(row.getString("end_point")),
                new SubscriptionFilter(
                        row.getString("resource_filter"),
                        row.getString("source_filter"),
                        row.getString("subject_filter"),
                        row.getString("alternative_subject_filter"),
                        row.getString("type_filter"),
                        row.getBoolean("include_subunits")),
                row.getBoolean("paused"),
                row.getTimestamp("created_at").toInstant(),
                instant(row.getTimestamp("validated_at")),
                validated,
                row.getLong("version"),
                new Subscription.Handshake(row.getInt("validation_attempts"), row.getString("last_validation_error"),
                        instant(row.getTimestamp("next_validation_at"))),
                row.getBoolean("ordered_delivery"),
                row.getString("disabled_reason"),
                new PushOptions(PushOptions.ContentType.of(row.getString("push_content_type")),
                        (Integer) row.getObject("allowed_rate")));
    }

    private static java.time.Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
