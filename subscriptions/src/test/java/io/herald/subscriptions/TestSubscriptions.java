package io.herald.subscriptions;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes subscriptions straight into the database for matcher tests, the way the subscription
 * service and the handshake do: each change under the next catalog version.
 */
public final class TestSubscriptions {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    public TestSubscriptions(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** A new, not yet validated subscription; returns its id. */
    public long create(SubscriptionFilter filter) {
        return transactions.execute(status -> {
            long version = nextVersion();
            return jdbc.queryForObject("""
                    INSERT INTO subscription (consumer, created_by, end_point, resource_filter, source_filter, subject_filter,
                        alternative_subject_filter, type_filter, include_subunits, secret, created_at, version)
                    VALUES ('/org/ttd', 'test', 'http://127.0.0.1:9/herald', ?, ?, ?, ?, ?, ?, '\\x00', now(), ?)
                    RETURNING id
                    """, Long.class, filter.resource(), filter.sourcePrefix(), filter.subject(), filter.alternativeSubject(),
                    filter.type(), filter.includeSubunits(), version);
        });
    }

    /** Validates it as the handshake does: events of later transactions are matched to it. */
    public void validate(long id) {
        transactions.executeWithoutResult(status -> {
            long version = nextVersion();
            jdbc.update("UPDATE subscription SET validated_at = now(), validated_tx = pg_current_xact_id()::text::bigint, "
                    + "version = ? WHERE id = ?", version, id);
        });
    }

    public long createValidated(SubscriptionFilter filter) {
        long id = create(filter);
        validate(id);
        return id;
    }

    public void setPaused(long id, boolean paused) {
        transactions.executeWithoutResult(status -> {
            long version = nextVersion();
            jdbc.update("UPDATE subscription SET paused = ?, version = ? WHERE id = ?", paused, version, id);
        });
    }

    public void delete(long id) {
        transactions.executeWithoutResult(status -> {
            long version = nextVersion();
            jdbc.update("DELETE FROM subscription WHERE id = ?", id);
            jdbc.update("INSERT INTO subscription_tombstone (id, version) VALUES (?, ?)", id, version);
        });
    }

    private long nextVersion() {
        return jdbc.queryForObject("UPDATE subscription_catalog SET version = version + 1 WHERE id = 1 RETURNING version",
                Long.class);
    }
}
