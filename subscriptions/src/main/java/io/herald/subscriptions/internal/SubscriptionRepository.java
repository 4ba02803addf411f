package io.herald.subscriptions.internal;

import java.net.URI;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.herald.store.StoreUnavailableException;
import io.herald.subscriptions.PushOptions;
import io.herald.subscriptions.Subscription;
import io.herald.subscriptions.SubscriptionFilter;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.SubscriptionLimitException;

/**
 * Subscriptions in PostgreSQL, always within one consumer's own. Every change runs in one
 * transaction that first takes the next catalog version (under the catalog row's lock, held to
 * commit) and writes it into the changed row, or into a tombstone for a delete: so versions
 * follow commit order and {@link SubscriptionCatalog} on every instance learns of each change.
 * A change that finds no row is rolled back and leaves the catalog as it was.
 */
@Component
public final class SubscriptionRepository {

    private static final String NEXT_CATALOG_VERSION =
            "UPDATE subscription_catalog SET version = version + 1 WHERE id = 1 RETURNING version";
    /** The advisory lock class of "one consumer's subscriptions" (the two-int form keeps it apart from other locks). */
    private static final int CONSUMER_LOCK_CLASS = 0x48535542;
    private static final String COLUMNS = SubscriptionCatalog.COLUMNS;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    public SubscriptionRepository(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    /** A subscription to insert, checked already; the secret sealed by {@link SecretCipher}. */
    public record NewRow(String consumer, String createdBy, URI endpoint, SubscriptionFilter filter, boolean orderedDelivery,
            byte[] sealedSecret, Instant createdAt, String grantedScope, PushOptions.ContentType contentType) {

        public NewRow {
            contentType = contentType == null ? PushOptions.ContentType.CLOUDEVENTS_JSON : contentType;
        }

        /** With the default push content type. */
        public NewRow(String consumer, String createdBy, URI endpoint, SubscriptionFilter filter, boolean orderedDelivery,
                byte[] sealedSecret, Instant createdAt, String grantedScope) {
            this(consumer, createdBy, endpoint, filter, orderedDelivery, sealedSecret, createdAt, grantedScope, null);
        }

        /** Without an app scope recorded: the owner reads the resource as its agency, as a party or by delegation. */
        public NewRow(String consumer, String createdBy, URI endpoint, SubscriptionFilter filter, boolean orderedDelivery,
                byte[] sealedSecret, Instant createdAt) {
            this(consumer, createdBy, endpoint, filter, orderedDelivery, sealedSecret, createdAt, null);
        }
    }

    /**
     * Inserts the subscription unless its consumer has {@code maxPerConsumer} already. The count
     * and the insert run under a lock on the consumer, so concurrent creates cannot both take the
     * last place.
     *
     * @throws SubscriptionLimitException when the consumer has no room left
     */
    public Subscription insert(NewRow row, int maxPerConsumer) {
        return insert(row, maxPerConsumer, null);
    }

    /**
     * As {@link #insert(NewRow, int)}, a Web Push subscription: {@code endpoint} is the push
     * service's URL, the keys are stored sealed. It is validated in the same transaction (the
     * browser made the push subscription for its owner; there is no endpoint of the owner's to
     * ask), so it receives the events of later transactions.
     */
    public Subscription insertWebPush(NewRow row, byte[] sealedPushKeys, int maxPerConsumer) {
        return insert(row, maxPerConsumer, java.util.Objects.requireNonNull(sealedPushKeys, "sealedPushKeys"));
    }

    /**
     * As {@link #insert(NewRow, int)}, an SMS subscription: {@code endpoint} is the masked number
     * ({@code sms:+47*****567}), the number itself is stored sealed beside its keyed hash. It is not
     * validated: its owner confirms the code Herald texts to the number first.
     */
    public Subscription insertSms(NewRow row, byte[] sealedNumber, byte[] numberHash, int maxPerConsumer) {
        return guarded("store the subscription", () -> transactions.execute(status -> {
            lockConsumer(row.consumer());
            Subscription inserted = insertLocked(row, maxPerConsumer);
            return jdbc.queryForObject("UPDATE subscription SET channel = 'sms', phone_number = ?, phone_hash = ? "
                    + "WHERE id = ? RETURNING " + COLUMNS, SubscriptionCatalog::map, sealedNumber, numberHash, inserted.id().value());
        }));
    }

    /**
     * Ends every SMS subscription of the number with this keyed hash (it answered STOP): each is
     * disabled with {@code reason}, loses its verification (resuming it needs a new code confirmed
     * on the phone: the number's consent again), and its pending deliveries are dead-lettered, so
     * nothing more is texted to the number.
     *
     * @return the subscriptions ended, each with its owner
     */
    public Map<SubscriptionId, String> stopSms(byte[] numberHash, String reason) {
        return guarded("end the number's SMS subscriptions", () -> transactions.execute(status -> {
            long version = nextVersion();
            Map<SubscriptionId, String> ended = new java.util.LinkedHashMap<>();
            jdbc.query("""
                    UPDATE subscription SET paused = true, disabled_reason = ?, validated_at = NULL, validated_tx = NULL,
                        failing_since = NULL, version = ?
                    WHERE phone_hash = ? AND channel = 'sms' RETURNING id, consumer""",
                    row -> {
                        ended.put(new SubscriptionId(row.getLong(1)), row.getString(2));
                    }, reason, version, numberHash);
            List<Long> ids = ended.keySet().stream().map(SubscriptionId::value).toList();
            if (ids.isEmpty()) {
                status.setRollbackOnly();
                return ended;
            }
            Long[] values = ids.toArray(Long[]::new);
            jdbc.update("DELETE FROM sms_verification WHERE subscription_id = ANY(?)",
                    statement -> statement.setArray(1, statement.getConnection().createArrayOf("bigint", values)));
            jdbc.update("UPDATE delivery SET status = 'dead', dead_lettered_at = now(), last_error = ? "
                            + "WHERE subscription_id = ANY(?) AND status = 'pending'",
                    statement -> {
                        statement.setString(1, reason);
                        statement.setArray(2, statement.getConnection().createArrayOf("bigint", values));
                    });
            return ended;
        }));
    }

    /** One validated, unpaused SMS subscription of the number with this keyed hash, if any. */
    public Optional<SubscriptionId> activeSmsSubscription(byte[] numberHash) {
        return guarded("read the number's subscriptions", () -> jdbc.query("SELECT id FROM subscription WHERE phone_hash = ? "
                + "AND channel = 'sms' AND validated_at IS NOT NULL AND NOT paused ORDER BY id LIMIT 1",
                (row, n) -> new SubscriptionId(row.getLong(1)), numberHash).stream().findFirst());
    }

    /**
     * Stores a new code's keyed hash for the subscription, replacing any open code, unless the last
     * code was sent less than {@code resendInterval} ago.
     *
     * @return empty when stored, else how long until a new code may be sent
     */
    public Optional<java.time.Duration> openSmsCode(SubscriptionId id, byte[] codeHash, java.time.Duration ttl, int tries,
            java.time.Duration resendInterval) {
        return guarded("store the verification code", () -> transactions.execute(status -> {
            int stored = jdbc.update("""
                    INSERT INTO sms_verification (subscription_id, code_hash, expires_at, tries_left, sent_at)
                    VALUES (?, ?, now() + ? * interval '1 millisecond', ?, now())
                    ON CONFLICT (subscription_id) DO UPDATE SET code_hash = excluded.code_hash,
                        expires_at = excluded.expires_at, tries_left = excluded.tries_left, sent_at = excluded.sent_at
                    WHERE sms_verification.sent_at <= now() - ? * interval '1 millisecond'""",
                    id.value(), codeHash, ttl.toMillis(), tries, resendInterval.toMillis());
            if (stored == 1) {
                return Optional.<java.time.Duration>empty();
            }
            Long waitMillis = jdbc.queryForObject("SELECT ceil(extract(epoch FROM sent_at + ? * interval '1 millisecond' - now()) "
                    + "* 1000)::bigint FROM sms_verification WHERE subscription_id = ?", Long.class, resendInterval.toMillis(), id.value());
            return Optional.of(java.time.Duration.ofMillis(Math.max(1000, waitMillis == null ? 0 : waitMillis)));
        }));
    }

    /** Closes the open code (the text carrying it could not be sent), so a new one may be asked for at once. */
    public void dropSmsCode(SubscriptionId id) {
        guarded("drop the verification code", () -> jdbc.update("DELETE FROM sms_verification WHERE subscription_id = ?", id.value()));
    }

    /**
     * Checks a code against the open one of an SMS subscription: a match validates the subscription
     * (under a new catalog version, as the handshake does) and closes the code; a miss uses up a try.
     */
    public io.herald.subscriptions.SmsConfirmation confirmSmsCode(SubscriptionId id, byte[] codeHash) {
        return guarded("check the verification code", () -> transactions.execute(status -> {
            var open = jdbc.query("SELECT code_hash, expires_at > now() AS live, tries_left FROM sms_verification "
                    + "WHERE subscription_id = ? FOR UPDATE", (row, n) -> new Object[] {row.getBytes(1), row.getBoolean(2), row.getInt(3)},
                    id.value()).stream().findFirst();
            if (open.isEmpty()) {
                return new io.herald.subscriptions.SmsConfirmation.Void("no code is open for this subscription: ask for one");
            }
            byte[] expected = (byte[]) open.get()[0];
            if (!(Boolean) open.get()[1]) {
                return new io.herald.subscriptions.SmsConfirmation.Void("the code has expired: ask for a new one");
            }
            int triesLeft = (Integer) open.get()[2];
            if (triesLeft <= 0) {
                return new io.herald.subscriptions.SmsConfirmation.Void("the code's tries are used up: ask for a new one");
            }
            if (!java.security.MessageDigest.isEqual(expected, codeHash)) {
                jdbc.update("UPDATE sms_verification SET tries_left = tries_left - 1 WHERE subscription_id = ?", id.value());
                return new io.herald.subscriptions.SmsConfirmation.Wrong(triesLeft - 1);
            }
            jdbc.update("DELETE FROM sms_verification WHERE subscription_id = ?", id.value());
            long version = nextVersion();
            // validated_tx is this transaction's own id: the matcher delivers events of later transactions
            return new io.herald.subscriptions.SmsConfirmation.Verified(jdbc.queryForObject("""
                    UPDATE subscription SET validated_at = now(), validated_tx = pg_current_xact_id()::text::bigint, version = ?
                    WHERE id = ? RETURNING\s""" + COLUMNS, SubscriptionCatalog::map, version, id.value()));
        }));
    }

    /** Channel and sealed push keys (or phone number) of those of {@code ids} that are not webhooks (absent ones are webhooks or deleted). */
    public Map<SubscriptionId, Map.Entry<String, byte[]>> channels(java.util.Collection<SubscriptionId> ids) {
        Long[] values = ids.stream().map(SubscriptionId::value).toArray(Long[]::new);
        Map<SubscriptionId, Map.Entry<String, byte[]>> channels = new java.util.HashMap<>();
        guarded("read the subscriptions' channels", () -> {
            jdbc.query("SELECT id, channel, coalesce(push_keys, phone_number) AS sealed FROM subscription "
                            + "WHERE id = ANY(?) AND channel <> 'webhook'",
                    statement -> statement.setArray(1, statement.getConnection().createArrayOf("bigint", values)),
                    row -> {
                        channels.put(new SubscriptionId(row.getLong("id")), Map.entry(row.getString("channel"), row.getBytes("sealed")));
                    });
            return null;
        });
        return channels;
    }

    private Subscription insert(NewRow row, int maxPerConsumer, byte[] sealedPushKeys) {
        return guarded("store the subscription", () -> transactions.execute(status -> {
            lockConsumer(row.consumer());
            Subscription inserted = insertLocked(row, maxPerConsumer);
            if (sealedPushKeys == null) {
                return inserted;
            }
            // validated_tx is this transaction's own id: the matcher delivers events of later transactions
            return jdbc.queryForObject("""
                    UPDATE subscription SET channel = 'web-push', push_keys = ?, validated_at = now(),
                        validated_tx = pg_current_xact_id()::text::bigint
                    WHERE id = ? RETURNING\s""" + COLUMNS, SubscriptionCatalog::map, sealedPushKeys, inserted.id().value());
        }));
    }

    /** What {@link #insertUnlessIdentical} did: stored a new subscription, or found the identical one the consumer had. */
    public record Stored(Subscription subscription, boolean existing) {
    }

    /**
     * Returns the consumer's subscription that is identical to the row (same endpoint, filters and
     * options), or inserts the row when it has none. Look-up and insert run under the consumer's
     * lock, so two identical requests at once store one subscription.
     *
     * @throws SubscriptionLimitException when a new one is needed and the consumer has no room left
     */
    public Stored insertUnlessIdentical(NewRow row, int maxPerConsumer) {
        return guarded("store the subscription", () -> transactions.execute(status -> {
            lockConsumer(row.consumer());
            SubscriptionFilter filter = row.filter();
            Optional<Subscription> identical = jdbc.query("SELECT " + COLUMNS + " FROM subscription WHERE consumer = ? "
                            + "AND end_point = ? AND resource_filter = ? AND source_filter IS NOT DISTINCT FROM ? "
                            + "AND subject_filter IS NOT DISTINCT FROM ? AND alternative_subject_filter IS NOT DISTINCT FROM ? "
                            + "AND type_filter IS NOT DISTINCT FROM ? AND include_subunits = ? AND ordered_delivery = ? "
                            + "AND push_content_type = ? AND channel = 'webhook' ORDER BY id LIMIT 1", SubscriptionCatalog::map,
                    row.consumer(), row.endpoint().toString(), filter.resource(), filter.sourcePrefix(), filter.subject(),
                    filter.alternativeSubject(), filter.type(), filter.includeSubunits(), row.orderedDelivery(),
                    row.contentType().mediaType())
                    .stream().findFirst();
            return identical.map(found -> new Stored(found, true))
                    .orElseGet(() -> new Stored(insertLocked(row, maxPerConsumer), false));
        }));
    }

    private void lockConsumer(String consumer) {
        jdbc.query("SELECT pg_advisory_xact_lock(" + CONSUMER_LOCK_CLASS + ", hashtext(?))", rows -> {
        }, consumer);
    }

    /** Inserts under the consumer's lock, which the caller's transaction holds. */
    private Subscription insertLocked(NewRow row, int maxPerConsumer) {
        Integer count = jdbc.queryForObject("SELECT count(*) FROM subscription WHERE consumer = ?", Integer.class,
                row.consumer());
        if (count != null && count >= maxPerConsumer) {
            throw new SubscriptionLimitException(maxPerConsumer);
        }
        long version = nextVersion();
        SubscriptionFilter filter = row.filter();
        return jdbc.queryForObject("""
                INSERT INTO subscription (consumer, created_by, end_point, resource_filter, source_filter,
                    subject_filter, alternative_subject_filter, type_filter, include_subunits, ordered_delivery, secret,
                    created_at, version, granted_scope, push_content_type)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                RETURNING\s""" + COLUMNS, SubscriptionCatalog::map,
                row.consumer(), row.createdBy(), row.endpoint().toString(), filter.resource(), filter.sourcePrefix(),
                filter.subject(), filter.alternativeSubject(), filter.type(), filter.includeSubunits(),
                row.orderedDelivery(), row.sealedSecret(), Timestamp.from(row.createdAt()), version, row.grantedScope(),
                row.contentType().mediaType());
    }

    /** The consumer's subscriptions, oldest first. */
    public List<Subscription> list(String consumer) {
        return guarded("read the subscriptions", () -> jdbc.query(
                "SELECT " + COLUMNS + " FROM subscription WHERE consumer = ? ORDER BY id", SubscriptionCatalog::map, consumer));
    }

    /** At most {@code limit} of the consumer's subscriptions with an id above {@code afterId}, oldest first. */
    public List<Subscription> list(String consumer, long afterId, int limit) {
        return guarded("read the subscriptions", () -> jdbc.query(
                "SELECT " + COLUMNS + " FROM subscription WHERE consumer = ? AND id > ? ORDER BY id LIMIT ?",
                SubscriptionCatalog::map, consumer, afterId, limit));
    }

    public Optional<Subscription> find(String consumer, SubscriptionId id) {
        return guarded("read the subscription", () -> jdbc.query(
                "SELECT " + COLUMNS + " FROM subscription WHERE id = ? AND consumer = ?", SubscriptionCatalog::map,
                id.value(), consumer).stream().findFirst());
    }

    /** Deletes the subscription and leaves a tombstone under the new catalog version; false if the consumer has none by that id. */
    public boolean delete(String consumer, SubscriptionId id) {
        return guarded("delete the subscription", () -> transactions.execute(status -> {
            long version = nextVersion();
            if (jdbc.update("DELETE FROM subscription WHERE id = ? AND consumer = ?", id.value(), consumer) == 0) {
                status.setRollbackOnly();
                return false;
            }
            jdbc.update("INSERT INTO subscription_tombstone (id, version) VALUES (?, ?)", id.value(), version);
            return true;
        }));
    }

    /** Pauses or resumes the subscription under the new catalog version; empty if the consumer has none by that id. */
    public Optional<Subscription> setPaused(String consumer, SubscriptionId id, boolean paused) {
        return guarded(paused ? "pause the subscription" : "resume the subscription", () -> transactions.execute(status -> {
            long version = nextVersion();
            Optional<Subscription> changed = jdbc.query(
                    "UPDATE subscription SET paused = ?, version = ?, disabled_reason = CASE WHEN ? THEN disabled_reason END, "
                            // a resume gives a failing endpoint a fresh start before it can be disabled again
                            + "failing_since = CASE WHEN ? THEN failing_since END, "
                            // a resume also restarts a handshake that gave up, so the owner can revive it
                            + "validation_attempts = CASE WHEN NOT ? AND validated_at IS NULL AND next_validation_at IS NULL "
                            + "AND validation_attempts > 0 THEN 0 ELSE validation_attempts END, "
                            + "next_validation_at = CASE WHEN NOT ? AND validated_at IS NULL AND next_validation_at IS NULL "
                            + "AND validation_attempts > 0 THEN now() ELSE next_validation_at END "
                            + "WHERE id = ? AND consumer = ? RETURNING " + COLUMNS,
                    SubscriptionCatalog::map, paused, version, paused, paused, paused, paused, id.value(), consumer).stream().findFirst();
            if (changed.isEmpty()) {
                status.setRollbackOnly();
            }
            return changed;
        }));
    }

    /** Any consumer's subscription by id, with its sealed secret: for the dispatcher, never for an API caller. */
    public Optional<Map.Entry<Subscription, List<byte[]>>> findForDelivery(SubscriptionId id) {
        return findForDelivery(List.of(id)).stream().findFirst();
    }

    /** As {@link #findForDelivery(SubscriptionId)} for several at once, in one query; deleted ones are left out. */
    public List<Map.Entry<Subscription, List<byte[]>>> findForDelivery(java.util.Collection<SubscriptionId> ids) {
        Long[] values = ids.stream().map(SubscriptionId::value).toArray(Long[]::new);
        return guarded("read the subscriptions", () -> jdbc.query("SELECT " + COLUMNS + ", secret, "
                        + "CASE WHEN previous_secret_until > now() THEN previous_secret END AS previous FROM subscription "
                        + "WHERE id = ANY(?)",
                statement -> statement.setArray(1, statement.getConnection().createArrayOf("bigint", values)),
                (row, n) -> {
                    byte[] previous = row.getBytes("previous");
                    List<byte[]> secrets = previous == null ? List.of(row.getBytes("secret"))
                            : List.of(row.getBytes("secret"), previous);
                    return Map.entry(SubscriptionCatalog.map(row, n), secrets);
                }));
    }

    /** Replaces the signing secret; the old one keeps signing beside it until {@code overlapUntil}. False if not the consumer's. */
    public boolean rotateSecret(String consumer, SubscriptionId id, byte[] sealedSecret, java.time.Instant overlapUntil) {
        return guarded("rotate the signing secret", () -> jdbc.update(
                "UPDATE subscription SET previous_secret = secret, previous_secret_until = ?, secret = ? WHERE id = ? AND consumer = ?",
                java.sql.Timestamp.from(overlapUntil), sealedSecret, id.value(), consumer) == 1);
    }

    /** Turns the subscription off for a reason its owner sees (an endpoint answered 410 Gone); it stays paused until resumed. */
    public boolean disable(SubscriptionId id, String reason) {
        return guarded("disable the subscription", () -> transactions.execute(status -> {
            long version = nextVersion();
            int changed = jdbc.update("UPDATE subscription SET paused = true, disabled_reason = ?, failing_since = NULL, version = ? WHERE id = ?",
                    reason, version, id.value());
            if (changed == 0) {
                status.setRollbackOnly();
            }
            return changed == 1;
        }));
    }

    /** The signing secret as stored (sealed), for whoever signs on the subscription's behalf. */
    public Optional<byte[]> sealedSecret(SubscriptionId id) {
        return guarded("read the signing secret", () -> jdbc.query(
                "SELECT secret FROM subscription WHERE id = ?", (row, n) -> row.getBytes(1), id.value()).stream().findFirst());
    }

    private long nextVersion() {
        Long version = jdbc.queryForObject(NEXT_CATALOG_VERSION, Long.class);
        if (version == null) {
            throw new IllegalStateException("the subscription_catalog row is missing; the database was not migrated by Herald");
        }
        return version;
    }

    /** A database that cannot serve now is worth a retry (503); anything else is a fault. */
    private static <T> T guarded(String what, Supplier<T> work) {
        try {
            return work.get();
        } catch (TransientDataAccessException | DataAccessResourceFailureException | CannotCreateTransactionException e) {
            throw new StoreUnavailableException("could not " + what + " now", e);
        }
    }
}
