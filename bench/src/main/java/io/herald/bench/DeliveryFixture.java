package io.herald.bench;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.internal.BenchDispatchers;
import io.herald.dispatcher.internal.DeliveryWorker;
import io.herald.store.CloudEventParser;
import io.herald.store.EventLimits;
import io.herald.store.EventStore;
import io.herald.store.EventsAppended;
import io.herald.store.IncomingEvent;
import io.herald.store.StoreConfiguration;
import io.herald.store.StoreProperties;
import io.herald.subscriptions.DeliveriesCreated;
import io.herald.subscriptions.NewSubscription;
import io.herald.subscriptions.SubscriptionIndex;
import io.herald.subscriptions.SubscriptionService;
import io.herald.subscriptions.SubscriptionsProperties;
import io.herald.subscriptions.access.SubscriberAccess;
import io.herald.subscriptions.internal.ChangeFeedMatcher;
import io.herald.subscriptions.internal.RangeLeases;
import io.herald.subscriptions.internal.SecretCipher;
import io.herald.subscriptions.internal.SubscriptionCatalog;
import io.herald.subscriptions.internal.SubscriptionRepository;
import io.herald.subscriptions.internal.TablePartyRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the delivery benchmarks share: their own database, the real event store and subscription
 * service, validated subscriptions to local receivers, deliveries written as the matcher writes
 * them, and the real {@link DeliveryWorker} with the documented defaults ({@code herald.dispatcher.*}
 * may be overridden with -D system properties, as in {@code -Dherald.dispatcher.batch-size=200}).
 */
final class DeliveryFixture implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final CloudEventParser PARSER = new CloudEventParser(new EventLimits(64 * 1024, 1024));

    final BenchDatabase database;
    final JdbcTemplate jdbc;
    final TransactionTemplate transactions;
    final EventStore store;
    final SubscriptionService subscriptions;
    final SubscriptionsProperties subscriptionsProperties;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<DeliveryWorker> workers = new ArrayList<>();

    DeliveryFixture(String database, int poolSize, Consumer<EventsAppended> appended) {
        this.database = BenchDatabase.create(database, poolSize);
        this.jdbc = new JdbcTemplate(this.database.dataSource);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(this.database.dataSource));
        this.store = StoreConfiguration.standalone(this.database.dataSource, Clock.systemUTC(), StoreProperties.defaults(), appended);
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        this.subscriptionsProperties = new Binder(new MapConfigurationPropertySource(Map.of(
                "herald.subscriptions.secret-key", key, "herald.subscriptions.allow-http", "true",
                "herald.subscriptions.outbound.allowed-networks", "127.0.0.0/8",
                "herald.subscriptions.max-per-consumer", "100000")))
                .bindOrCreate("herald.subscriptions", SubscriptionsProperties.class);
        this.subscriptions = new SubscriptionService(
                new SubscriptionRepository(jdbc, new DataSourceTransactionManager(this.database.dataSource)),
                new SecretCipher(key, new SecureRandom()), subscriptionsProperties, event -> { }, Clock.systemUTC());
    }

    /** The dispatcher's settings: the documented defaults, overridden by {@code -Dherald.dispatcher.*}. */
    static DispatcherProperties dispatcherProperties() {
        return new Binder(ConfigurationPropertySources.from(new PropertiesPropertySource("system", System.getProperties())))
                .bindOrCreate("herald.dispatcher", DispatcherProperties.class);
    }

    /** A subscription to {@code endpoint} for events of {@code resource}, validated as the handshake would. */
    long subscribe(URI endpoint, String resource) {
        return subscribe(endpoint, resource, null);
    }

    /** A subscription to {@code endpoint} for events of {@code resource} about {@code subject} (null: any), validated. */
    long subscribe(URI endpoint, String resource, String subject) {
        var created = subscriptions.create(new NewSubscription(endpoint.toString(), resource, null, subject, null, null, false, false),
                "/org/ttd", "bench");
        long id = created.subscription().id().value();
        transactions.executeWithoutResult(status -> {
            long version = jdbc.queryForObject(
                    "UPDATE subscription_catalog SET version = version + 1 WHERE id = 1 RETURNING version", Long.class);
            jdbc.update("UPDATE subscription SET validated_at = now(), validated_tx = pg_current_xact_id()::text::bigint, "
                    + "version = ? WHERE id = ?", version, id);
        });
        return id;
    }

    /** Appends {@code count} events of {@code resource} in batches of 100; returns the last event's sequence number. */
    long appendEvents(int count, String resource) {
        for (int done = 0; done < count; done += 100) {
            List<IncomingEvent> batch = new ArrayList<>();
            for (int i = done; i < Math.min(count, done + 100); i++) {
                batch.add(parse(event(UUID.randomUUID().toString(), resource, "/party/" + (50_000 + i % 1000))));
            }
            store.append(batch);
        }
        return jdbc.queryForObject("SELECT coalesce(max(seq), 0) FROM event", Long.class);
    }

    /**
     * One due delivery per subscription for every event with a sequence number in (afterSeq, upToSeq],
     * written in event order and, within an event, in the order of {@code subscriptionIds}, so that a
     * claimed batch holds every endpoint's deliveries mixed. Returns how many were written.
     */
    int deliver(List<Long> subscriptionIds, long afterSeq, long upToSeq) {
        return jdbc.update("""
                INSERT INTO delivery (subscription_id, event_tx, event_seq, event_stored_at, next_attempt_at, created_at)
                SELECT s.id, e.tx, e.seq, e.stored_at, clock_timestamp(), clock_timestamp()
                FROM event e CROSS JOIN unnest(?::bigint[]) WITH ORDINALITY AS s(id, ord)
                WHERE e.seq > ? AND e.seq <= ?
                ORDER BY e.seq, s.ord
                """, statement -> {
            statement.setArray(1, statement.getConnection().createArrayOf("bigint", subscriptionIds.toArray()));
            statement.setLong(2, afterSeq);
            statement.setLong(3, upToSeq);
        });
    }

    /** The real change-feed matcher and its range leases, as the application wires them. */
    record Matching(ChangeFeedMatcher matcher, RangeLeases leases) {

        /** Waits (up to 30 s) until this instance holds every log range; returns how many it holds. */
        int awaitAllRanges() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (leases.held().size() < leases.ranges() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            return leases.held().size();
        }
    }

    /**
     * The real {@link ChangeFeedMatcher} as instance {@code instance}, with the documented matcher
     * settings; {@code created} is told after each commit that wrote deliveries. The subscribers may
     * read every event: what the benchmarks measure is the path, not a decision point.
     */
    Matching matcher(String instance, Consumer<DeliveriesCreated> created) {
        var leases = new RangeLeases(jdbc, instance, Duration.ofSeconds(15), subscriptionsProperties.matcher().ranges());
        var catalog = new SubscriptionCatalog(jdbc, new DataSourceTransactionManager(database.dataSource), new SubscriptionIndex());
        var access = new SubscriberAccess(jdbc, (callers, events) -> {
            boolean[] all = new boolean[events.size()];
            Arrays.fill(all, true);
            return all;
        });
        return new Matching(new ChangeFeedMatcher(store, jdbc, catalog, new TablePartyRegistry(jdbc), access,
                leases, subscriptionsProperties.matcher(), Clock.systemUTC(), meters, created, () -> null), leases);
    }

    DeliveryWorker worker(DispatcherProperties properties) {
        DeliveryWorker worker = BenchDispatchers.worker(store, subscriptions, jdbc, properties,
                subscriptionsProperties.outbound().guard(), Clock.systemUTC(), meters);
        workers.add(worker);
        return worker;
    }

    static ObjectNode event(String id, String resource, String subject) {
        ObjectNode node = JSON.createObjectNode();
        node.put("specversion", "1.0");
        node.put("id", id);
        node.put("source", "https://ttd.apps.example/ttd/bench/instances/50001/" + UUID.randomUUID());
        node.put("type", "app.instance.created");
        node.put("subject", subject);
        node.put("resource", resource);
        node.putObject("data").put("note", "a small payload of a typical app event");
        return node;
    }

    static IncomingEvent parse(ObjectNode node) {
        return PARSER.parse(node);
    }

    /** Counts by status of the deliveries to these subscriptions. */
    Map<String, Long> statuses(List<Long> subscriptionIds) {
        Map<String, Long> counts = new HashMap<>();
        jdbc.query("SELECT status, count(*) FROM delivery WHERE subscription_id = ANY(?::bigint[]) GROUP BY status",
                row -> {
                    counts.put(row.getString(1), row.getLong(2));
                }, (Object) subscriptionIds.toArray(Long[]::new));
        return counts;
    }

    @Override
    public void close() {
        workers.forEach(worker -> {
            if (worker.isRunning()) {
                worker.stop();
            }
        });
        store.close();
        database.close();
    }
}
